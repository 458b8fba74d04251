import type { FetchedDevice } from './worker/protocol';

/** Repeated fetches of one device are published at most this often. */
export const REFETCH_SIGNAL_INTERVAL_MS = 30_000;

/**
 * What follows a device's fetch of its minimal configuration. A first
 * fetch changes its state: published at once and its serial check
 * scheduled. Repeated fetches (a device retrying, a boot loop) only move
 * "when": published at most every 30 s per device, so a storm does not
 * flood every browser.
 */
export function createDeviceFetchFollowUp(options: {
  publish: (entityRef: string) => void;
  triggerSerialCheck: (entityRef: string, delayMs: number) => void;
  firstCheckDelayMs: number;
}): (device: FetchedDevice) => void {
  const publishedAt = new Map<string, number>();
  return device => {
    const now = Date.now();
    if (!device.first) {
      const last = publishedAt.get(device.entityRef) ?? 0;
      if (now - last < REFETCH_SIGNAL_INTERVAL_MS) return;
    }
    publishedAt.set(device.entityRef, now);
    options.publish(device.entityRef);
    if (device.first && device.serialState !== 'checked') {
      // Give the device time to apply its configuration and start SSH.
      options.triggerSerialCheck(device.entityRef, options.firstCheckDelayMs);
    }
  };
}
