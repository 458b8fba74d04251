import type { ZtpDevice, ZtpQueueSummary } from './types';

/**
 * Signal channel of the whole queue: batches of changed devices, coalesced by
 * the backend so that a boot storm does not flood every open browser. A
 * device's page follows it too, for its own device (ztpSignalFor).
 * @public
 */
export const ZTP_QUEUE_CHANNEL = 'ztp:queue';

/** Message on {@link ZTP_QUEUE_CHANNEL}. @public */
export type ZtpQueueSignal =
  | {
      type: 'devices-changed';
      /** The devices as they are now. */
      devices: ZtpDevice[];
      /** Devices that left the queue. */
      removed: string[];
      /**
       * The queue's counters, read after these devices: the dashboard shows
       * counters and rows from the same update.
       */
      summary?: ZtpQueueSummary;
    }
  | {
      /** Devices nobody declared asked for a configuration. */
      type: 'unknown-devices-changed';
    };

/**
 * What a queue message says about one device: its state now, that it left
 * the queue, or nothing (undefined). Entity refs compare as the catalog
 * compares them, without regard to case.
 * @public
 */
export function ztpSignalFor(
  message: ZtpQueueSignal | undefined,
  entityRef: string,
): { device: ZtpDevice } | { removed: true } | undefined {
  if (message?.type !== 'devices-changed') return undefined;
  const ref = entityRef.toLocaleLowerCase('en-US');
  const device = message.devices?.find(
    d => d.entityRef.toLocaleLowerCase('en-US') === ref,
  );
  if (device) return { device };
  const removed = message.removed?.some(
    r => r.toLocaleLowerCase('en-US') === ref,
  );
  return removed ? { removed: true } : undefined;
}
