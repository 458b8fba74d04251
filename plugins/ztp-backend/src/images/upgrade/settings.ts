import type { Config } from '@backstage/config';

/** ztp.images.autoUpgrade and ztp.images.upgrade (see config.d.ts), with defaults. */
export type UpgradeSettings = {
  autoUpgrade: boolean;
  autoUpgradeSites: string[];
  commandTimeoutMs: number;
  rebootTimeoutMs?: number;
  pollInitialMs: number;
  pollMaxMs: number;
  concurrency: number;
  sweepSeconds: number;
  /** How long a claim holds without being renewed. */
  leaseMs: number;
};

export function readUpgradeSettings(root: Config): UpgradeSettings {
  const c = root.getOptionalConfig('ztp.images');
  const u = c?.getOptionalConfig('upgrade');
  const positive = (key: string, fallback: number) => {
    const value = u?.getOptionalNumber(key) ?? fallback;
    if (!(value > 0)) {
      throw new Error(`ztp.images.upgrade.${key} must be a positive number`);
    }
    return value;
  };
  const reboot = u?.getOptionalNumber('rebootTimeoutSeconds');
  return {
    autoUpgrade: c?.getOptionalBoolean('autoUpgrade') ?? false,
    autoUpgradeSites: c?.getOptionalStringArray('autoUpgradeSites') ?? [],
    commandTimeoutMs: positive('commandTimeoutSeconds', 1800) * 1000,
    rebootTimeoutMs:
      reboot === undefined
        ? undefined
        : positive('rebootTimeoutSeconds', 1) * 1000,
    pollInitialMs: positive('pollInitialMs', 5000),
    pollMaxMs: positive('pollMaxMs', 30_000),
    concurrency: positive('concurrency', 8),
    sweepSeconds: positive('sweepSeconds', 15),
    leaseMs: 60_000,
  };
}
