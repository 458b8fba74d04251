import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  catalogProcessingExtensionPoint,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { ztpPlatformServiceRef } from '@ztp-portal/backstage-plugin-ztp-node';
import { declarationProblemReporterServiceRef } from './DeclarationProblemReporter';
import { serialCorrectionSourceServiceRef } from './SerialCorrectionSource';
import { ZtpDeviceProcessor } from './ZtpDeviceProcessor';

/**
 * Catalog module that validates the ZTP declarations of network devices
 * (processing errors on the entity, also sent to the ZTP plugin so that its
 * dashboard shows declarations the catalog refused) and applies the serial
 * corrections operators make in the ZTP plugin.
 *
 * The platforms a declaration may name, and their rules, are the installed
 * platform packages' (ztpPlatformServiceRef: this module runs in the
 * catalog plugin, which cannot see the ZTP plugin's extension point).
 *
 * Config: `ztp.catalog.additionalPlatforms` (platform ids accepted besides
 * the installed ones) and `ztp.catalog.serialCorrections.cacheSeconds`.
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
        lifecycle: coreServices.lifecycle,
        corrections: serialCorrectionSourceServiceRef,
        reporter: declarationProblemReporterServiceRef,
        platforms: ztpPlatformServiceRef,
      },
      async init({
        processing,
        catalog,
        auth,
        config,
        logger,
        lifecycle,
        corrections,
        reporter,
        platforms,
      }) {
        const processor = new ZtpDeviceProcessor({
          logger,
          corrections,
          reporter,
          catalog,
          auth,
          platforms,
          additionalPlatforms:
            config.getOptionalStringArray('ztp.catalog.additionalPlatforms') ??
            [],
        });
        processing.addProcessor(processor);
        // The ZTP plugin's routes answer once the backend has started.
        lifecycle.addStartupHook(() => {
          void processor.processRefusedAgain();
        });
      },
    });
  },
});
