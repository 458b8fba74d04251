import {
  createExtensionPoint,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import type { ZtpPlatformDriver } from './platformDriver';

/** @public */
export interface ZtpPlatformsExtensionPoint {
  /** Adds a platform; a later one with the same id replaces it. */
  addPlatform(driver: ZtpPlatformDriver): void;
}

/**
 * Lets a backend module teach the ZTP backend a platform. Every platform,
 * the four that ship with the portal included, is such a module.
 * @public
 */
export const ztpPlatformsExtensionPoint =
  createExtensionPoint<ZtpPlatformsExtensionPoint>({
    id: 'ztp.platforms',
  });

/**
 * The same platforms, for the other plugins that need them: the catalog's
 * ZTP module (which platform ids a declaration may name, and their rules)
 * and the scaffolder's (the action's platform choices). An extension point
 * belongs to one plugin, so the catalog cannot see the ZTP plugin's; a
 * multiton service is how Backstage lets several packages each add an
 * implementation that any plugin reads (as UrlReader factories and
 * external token handlers are added). A platform package installs both:
 * its ZTP module and its factory of this service.
 * @public
 */
export const ztpPlatformServiceRef = createServiceRef<ZtpPlatformDriver>({
  id: 'ztp.platform',
  scope: 'plugin',
  multiton: true,
});
