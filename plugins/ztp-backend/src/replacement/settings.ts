import type { Config } from '@backstage/config';
import { DEFAULT_STUCK_AFTER_MINUTES } from './stuck';

/** Settings of replacements and stuck devices (see config.d.ts). */
export type ReplacementSettings = {
  /** Push Conf Final by itself once a replaced device is Checked (default true). */
  autoPush: boolean;
  /** A device that should move and did not for this long is flagged. */
  stuckAfterMs: number;
};

export function readReplacementSettings(root: Config): ReplacementSettings {
  const ztp = root.getOptionalConfig('ztp');
  const minutes =
    ztp?.getOptionalNumber('stuck.afterMinutes') ?? DEFAULT_STUCK_AFTER_MINUTES;
  if (!(minutes > 0)) {
    throw new Error(
      `ztp.stuck.afterMinutes must be a positive number of minutes, got ${minutes}`,
    );
  }
  return {
    autoPush: ztp?.getOptionalBoolean('replacement.autoPush') ?? true,
    stuckAfterMs: minutes * 60_000,
  };
}
