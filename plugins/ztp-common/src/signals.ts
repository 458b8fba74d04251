import type { ZtpDevice, ZtpQueueSummary } from './types';

/**
 * Signal channel of the whole queue: batches of changed devices, coalesced by
 * the backend so that a boot storm does not flood every open browser.
 * @public
 */
export const ZTP_QUEUE_CHANNEL = 'ztp:queue';

/** Signal channel of one device (its state and new timeline events). @public */
export function ztpDeviceChannel(entityRef: string): string {
  return `ztp:device:${entityRef.toLocaleLowerCase('en-US')}`;
}

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

/** Message on a device channel. @public */
export type ZtpDeviceSignal = {
  type: 'device-changed';
  device: ZtpDevice;
};
