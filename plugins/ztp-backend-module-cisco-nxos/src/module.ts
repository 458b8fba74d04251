import {
  createBackendFeatureLoader,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  ztpPlatformServiceRef,
  ztpPlatformsExtensionPoint,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { ciscoNxosDriver } from './driver';

/**
 * The ZTP backend module of Cisco NX-OS: adds the platform to the ZTP plugin.
 * @public
 */
export const ztpModuleCiscoNxos = createBackendModule({
  pluginId: 'ztp',
  moduleId: 'cisco-nxos',
  register(reg) {
    reg.registerInit({
      deps: { platforms: ztpPlatformsExtensionPoint },
      async init({ platforms }) {
        platforms.addPlatform(ciscoNxosDriver);
      },
    });
  },
});

/**
 * The platform for the catalog's and the scaffolder's ZTP modules, which
 * run in other plugins than the ZTP plugin (see ztpPlatformServiceRef).
 * @public
 */
export const ciscoNxosPlatformService = createServiceFactory({
  service: ztpPlatformServiceRef,
  deps: {},
  factory: () => ciscoNxosDriver,
});

/**
 * Everything Cisco NX-OS adds to a backend, installed with one
 * `backend.add(import(...))`: the ZTP module and the platform service.
 * @public
 */
export const ztpPlatformCiscoNxos = createBackendFeatureLoader({
  loader: () => [ztpModuleCiscoNxos, ciscoNxosPlatformService],
});
