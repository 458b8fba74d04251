import {
  createBackendFeatureLoader,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  ztpPlatformServiceRef,
  ztpPlatformsExtensionPoint,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { juniperJunosDriver } from './driver';

/**
 * The ZTP backend module of Juniper Junos: adds the platform to the ZTP plugin.
 * @public
 */
export const ztpModuleJuniperJunos = createBackendModule({
  pluginId: 'ztp',
  moduleId: 'juniper-junos',
  register(reg) {
    reg.registerInit({
      deps: { platforms: ztpPlatformsExtensionPoint },
      async init({ platforms }) {
        platforms.addPlatform(juniperJunosDriver);
      },
    });
  },
});

/**
 * The platform for the catalog's and the scaffolder's ZTP modules, which
 * run in other plugins than the ZTP plugin (see ztpPlatformServiceRef).
 * @public
 */
export const juniperJunosPlatformService = createServiceFactory({
  service: ztpPlatformServiceRef,
  deps: {},
  factory: () => juniperJunosDriver,
});

/**
 * Everything Juniper Junos adds to a backend, installed with one
 * `backend.add(import(...))`: the ZTP module and the platform service.
 * @public
 */
export const ztpPlatformJuniperJunos = createBackendFeatureLoader({
  loader: () => [ztpModuleJuniperJunos, juniperJunosPlatformService],
});
