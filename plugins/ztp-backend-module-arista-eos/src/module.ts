import {
  createBackendFeatureLoader,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  ztpPlatformServiceRef,
  ztpPlatformsExtensionPoint,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { aristaEosDriver } from './driver';

/**
 * The ZTP backend module of Arista EOS: adds the platform to the ZTP plugin.
 * @public
 */
export const ztpModuleAristaEos = createBackendModule({
  pluginId: 'ztp',
  moduleId: 'arista-eos',
  register(reg) {
    reg.registerInit({
      deps: { platforms: ztpPlatformsExtensionPoint },
      async init({ platforms }) {
        platforms.addPlatform(aristaEosDriver);
      },
    });
  },
});

/**
 * The platform for the catalog's and the scaffolder's ZTP modules, which
 * run in other plugins than the ZTP plugin (see ztpPlatformServiceRef).
 * @public
 */
export const aristaEosPlatformService = createServiceFactory({
  service: ztpPlatformServiceRef,
  deps: {},
  factory: () => aristaEosDriver,
});

/**
 * Everything Arista EOS adds to a backend, installed with one
 * `backend.add(import(...))`: the ZTP module and the platform service.
 * @public
 */
export const ztpPlatformAristaEos = createBackendFeatureLoader({
  loader: () => [ztpModuleAristaEos, aristaEosPlatformService],
});
