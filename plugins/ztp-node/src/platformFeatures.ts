import {
  createBackendFeatureLoader,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  ztpPlatformServiceRef,
  ztpPlatformsExtensionPoint,
} from './extensions';
import type { ZtpPlatformDriver } from './platformDriver';

/**
 * What a platform package installs, made from its driver so that every
 * package registers the same way: the ZTP module (through the extension
 * point), the platform service the catalog's and scaffolder's ZTP modules
 * read (they run in other plugins), and both as one feature for
 * `backend.add(import(...))`.
 * @public
 */
export function createZtpPlatformFeatures(driver: ZtpPlatformDriver) {
  const module = createBackendModule({
    pluginId: 'ztp',
    moduleId: driver.id,
    register(reg) {
      reg.registerInit({
        deps: { platforms: ztpPlatformsExtensionPoint },
        async init({ platforms }) {
          platforms.addPlatform(driver);
        },
      });
    },
  });
  const service = createServiceFactory({
    service: ztpPlatformServiceRef,
    deps: {},
    factory: () => driver,
  });
  const all = createBackendFeatureLoader({ loader: () => [module, service] });
  return { module, service, all };
}
