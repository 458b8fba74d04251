import type { ZtpStuckFlag } from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceRecord } from '../database/types';

/** Default of ztp.stuck.afterMinutes. */
export const DEFAULT_STUCK_AFTER_MINUTES = 30;

/**
 * Where a device should move on by itself, in the product's words, or
 * undefined when it waits for someone (not booted yet, Mismatch, Checked
 * and waiting for a push, Provisioned). Conf Min Loaded but never Checked:
 * the check retries until it concludes; Pushing: a push ends within its
 * deadline.
 */
export function stateThatShouldMove(d: DeviceRecord): string | undefined {
  if (!d.inCatalog) return undefined;
  if (d.confFinalState === 'pushing') return 'Conf Final Pushing';
  if (
    d.confMinState === 'loaded' &&
    d.serialState === 'not-checked' &&
    d.confFinalState !== 'pushed'
  ) {
    return 'Conf Min Loaded, Serial Not Checked';
  }
  return undefined;
}

/**
 * The stuck flag of a device: in a state that should move, with no
 * timeline event for `afterMs` (a retry repeating the same failure writes
 * none, so a device failing the same way all along is flagged too). Any
 * new event or state clears it.
 */
export function stuckFlag(
  d: DeviceRecord,
  lastEventAt: Date | undefined,
  afterMs: number,
  now: Date,
): ZtpStuckFlag | undefined {
  const state = stateThatShouldMove(d);
  if (!state) return undefined;
  const since = lastEventAt ?? d.updatedAt;
  const idleMs = now.getTime() - since.getTime();
  if (idleMs < afterMs) return undefined;
  return {
    since: since.toISOString(),
    minutes: Math.floor(idleMs / 60_000),
    state,
  };
}
