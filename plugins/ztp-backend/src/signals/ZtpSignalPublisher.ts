import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import {
  ZTP_QUEUE_CHANNEL,
  ZtpDevice,
  ZtpQueueSignal,
  ZtpQueueSummary,
} from '@ztp-portal/backstage-plugin-ztp-common';

/** Most devices in one queue message; a storm is split into several. */
const MAX_BATCH = 200;

/**
 * Publishes device changes on the ZTP queue's signal channel. Changes are
 * coalesced for a short window (default 100 ms, well inside the 250 ms
 * promise) so a boot storm of thousands of devices becomes a few messages,
 * each device once with its latest state. A device's own page follows the
 * same channel for its device: a channel per device cost a message per
 * changed device, each an HTTP request to the events bus, a row in its
 * table and an access-log line (10,000 when a fleet of 10,000 was imported),
 * whether or not anyone had that device's page open.
 */
export class ZtpSignalPublisher {
  private readonly pending = new Set<string>();
  private readonly removed = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly options: {
      signals?: SignalsService;
      logger: LoggerService;
      loadDevices: (entityRefs: string[]) => Promise<ZtpDevice[]>;
      /** The queue's counters, sent with the devices they count. */
      loadSummary?: () => Promise<ZtpQueueSummary>;
      windowMs?: number;
    },
  ) {}

  /** Marks devices as changed; they are published within the window. */
  changed(...entityRefs: string[]) {
    if (!this.options.signals) return;
    for (const ref of entityRefs) this.pending.add(ref);
    this.schedule();
  }

  removedFromQueue(...entityRefs: string[]) {
    if (!this.options.signals) return;
    for (const ref of entityRefs) this.removed.add(ref);
    this.schedule();
  }

  private schedule() {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, this.options.windowMs ?? 100);
  }

  /** Tells open dashboards that unknown devices were recorded. */
  async unknownDevicesChanged() {
    const signals = this.options.signals;
    if (!signals) return;
    const message: ZtpQueueSignal = { type: 'unknown-devices-changed' };
    try {
      await signals.publish({
        recipients: { type: 'broadcast' },
        channel: ZTP_QUEUE_CHANNEL,
        message: message as unknown as Record<string, never>,
      });
    } catch (error) {
      this.options.logger.warn(`Could not publish ZTP signals: ${error}`);
    }
  }

  /** Publishes everything pending now (tests and shutdown). */
  async flushNow() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.flushing = this.flushing.then(() => this.flush());
    await this.flushing;
  }

  private async flush() {
    const signals = this.options.signals;
    if (!signals || (!this.pending.size && !this.removed.size)) return;
    const refs = [...this.pending];
    const removed = [...this.removed];
    this.pending.clear();
    this.removed.clear();
    try {
      const devices = await this.options.loadDevices(refs);
      // Read after the devices, so the counters include their changes.
      const summary = await this.options.loadSummary?.();
      for (let i = 0; i < Math.max(devices.length, 1); i += MAX_BATCH) {
        const message: ZtpQueueSignal = {
          type: 'devices-changed',
          devices: devices.slice(i, i + MAX_BATCH),
          removed: i === 0 ? removed : [],
          ...(summary ? { summary } : {}),
        };
        await signals.publish({
          recipients: { type: 'broadcast' },
          channel: ZTP_QUEUE_CHANNEL,
          message: message as unknown as Record<string, never>,
        });
      }
    } catch (error) {
      this.options.logger.warn(`Could not publish ZTP signals: ${error}`);
    }
  }
}
