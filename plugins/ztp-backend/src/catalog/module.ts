import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { declarationProblemReporterServiceRef } from './DeclarationProblemReporter';
import { serialCorrectionSourceServiceRef } from './SerialCorrectionSource';
import { ZtpDeviceProcessor } from './ZtpDeviceProcessor';

/**
 * Catalog module that validates the ZTP declarations of network devices
 * (processing errors on the entity, also sent to the ZTP plugin so that its
 * dashboard shows declarations the catalog refused) and applies the serial
 * corrections operators make in the ZTP plugin.
 *
 * Config: `ztp.catalog.additionalPlatforms` (platform ids accepted besides
 * the built-in ones) and `ztp.catalog.serialCorrections.cacheSeconds`.
 *
 * @public
 */
export const catalogModuleZtpDevices = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'ztp-devices',
  register(reg) {
    reg.registerInit({
      deps: {
        processing: catalogProcessingExtensionPoint,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        corrections: serialCorrectionSourceServiceRef,
        reporter: declarationProblemReporterServiceRef,
      },
      async init({
        processing,
        catalog,
        auth,
        config,
        logger,
        corrections,
        reporter,
      }) {
        processing.addProcessor(
          new ZtpDeviceProcessor({
            logger,
            corrections,
            reporter,
            catalog,
            auth,
            additionalPlatforms:
              config.getOptionalStringArray(
                'ztp.catalog.additionalPlatforms',
              ) ?? [],
          }),
        );
      },
    });
  },
});
