import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { ZtpPlatformDriver } from './platformDriver';

/** @public */
export interface ZtpPlatformsExtensionPoint {
  /** Adds a platform, or replaces a built-in one with the same id. */
  addPlatform(driver: ZtpPlatformDriver): void;
}

/**
 * Lets a backend module teach the ZTP backend a new platform.
 * @public
 */
export const ztpPlatformsExtensionPoint =
  createExtensionPoint<ZtpPlatformsExtensionPoint>({
    id: 'ztp.platforms',
  });
