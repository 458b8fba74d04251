import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';

/** Hashes a new device's password (the pool of worker threads in the plugin). */
export type PasswordHasher = {
  hash(driver: ZtpPlatformDriver, password: string): Promise<string>;
};

/** The default when no pool is given: hashes on the calling thread. */
export const mainThreadHasher: PasswordHasher = {
  hash: (driver, password) => driver.hashPassword(password),
};
