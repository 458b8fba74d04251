import {
  createBackendFeatureLoader,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  ztpPlatformServiceRef,
  ztpPlatformsExtensionPoint,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { ciscoIosXeDriver } from './driver';

/**
 * The ZTP backend module of Cisco IOS XE: adds the platform to the ZTP plugin.
 * @public
 */
export const ztpModuleCiscoIosXe = createBackendModule({
  pluginId: 'ztp',
  moduleId: 'cisco-iosxe',
  register(reg) {
    reg.registerInit({
      deps: { platforms: ztpPlatformsExtensionPoint },
      async init({ platforms }) {
        platforms.addPlatform(ciscoIosXeDriver);
      },
    });
  },
});

/**
 * The platform for the catalog's and the scaffolder's ZTP modules, which
 * run in other plugins than the ZTP plugin (see ztpPlatformServiceRef).
 * @public
 */
export const ciscoIosXePlatformService = createServiceFactory({
  service: ztpPlatformServiceRef,
  deps: {},
  factory: () => ciscoIosXeDriver,
});

/**
 * Everything Cisco IOS XE adds to a backend, installed with one
 * `backend.add(import(...))`: the ZTP module and the platform service.
 * @public
 */
export const ztpPlatformCiscoIosXe = createBackendFeatureLoader({
  loader: () => [ztpModuleCiscoIosXe, ciscoIosXePlatformService],
});
