import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { ztpPlatformServiceRef } from '@ztp-portal/backstage-plugin-ztp-node';
import { createDeclareDeviceAction } from './declareDeviceAction';
import {
  findRepoRoot,
  LocalCatalogFile,
  resolveLocalCatalogFile,
} from './LocalCatalogFile';

/**
 * Scaffolder module with the `ztp:device:declare` action, which the
 * "Declare a network device" template uses.
 *
 * Config: `ztp.scaffolder.localCatalogFile` (default
 * .data/declared-devices.yaml, relative to the repository root) and
 * `ztp.catalog.additionalPlatforms`. The platforms are the installed
 * platform packages' (ztpPlatformServiceRef).
 *
 * @public
 */
export const scaffolderModuleZtp = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'ztp',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        platforms: ztpPlatformServiceRef,
      },
      async init({ scaffolder, catalog, auth, config, logger, platforms }) {
        const file = new LocalCatalogFile(
          resolveLocalCatalogFile(config, findRepoRoot()),
        );
        await file.ensureExists();
        logger.info(`Declared network devices go to ${file.path}`);
        scaffolder.addActions(
          createDeclareDeviceAction({
            file,
            catalog,
            auth,
            platforms,
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
