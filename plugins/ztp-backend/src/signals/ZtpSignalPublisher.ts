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
 * The counters are read at most this often: at 10,000 devices each read
 * scans the queue (8 ms on SQLite), and a boot storm flushes every window.
 */
const SUMMARY_EVERY_MS = 1000;

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
  private summaryReadAt = -Infinity;
  /** A counters-only message owed to messages sent without counters. */
  private summaryTimer?: NodeJS.Timeout;

  constructor(
    private readonly options: {
      signals?: SignalsService;
      logger: LoggerService;
      loadDevices: (entityRefs: string[]) => Promise<ZtpDevice[]>;
      /**
       * The queue's counters, sent with the devices they count, read at
       * most every summaryEveryMs (1 s): a message in between goes without
       * them, and the counters follow within that time.
       */
      loadSummary?: () => Promise<ZtpQueueSummary>;
      windowMs?: number;
      summaryEveryMs?: number;
      now?: () => number;
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

  /** Publishes everything pending now, counters included (tests, shutdown). */
  async flushNow() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const counters =
      this.pending.size > 0 ||
      this.removed.size > 0 ||
      this.summaryTimer !== undefined;
    this.flushing = this.flushing.then(() => this.flush(counters));
    await this.flushing;
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }

  /** The counters if they are due (or forced), else a promise to send them. */
  private async summaryIfDue(force: boolean) {
    const load = this.options.loadSummary;
    if (!load) return undefined;
    const every = this.options.summaryEveryMs ?? SUMMARY_EVERY_MS;
    const wait = this.summaryReadAt + every - this.now();
    if (!force && wait > 0) {
      this.summaryTimer ??= setTimeout(() => {
        this.flushing = this.flushing.then(() => this.flush(true));
      }, wait);
      this.summaryTimer.unref?.();
      return undefined;
    }
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
    this.summaryTimer = undefined;
    this.summaryReadAt = this.now();
    return load();
  }

  private async flush(summaryOwed = false) {
    const signals = this.options.signals;
    if (!signals) return;
    if (!this.pending.size && !this.removed.size && !summaryOwed) return;
    const refs = [...this.pending];
    const removed = [...this.removed];
    this.pending.clear();
    this.removed.clear();
    try {
      const devices = refs.length ? await this.options.loadDevices(refs) : [];
      // Read after the devices, so the counters include their changes.
      const summary = await this.summaryIfDue(summaryOwed);
      if (!devices.length && !removed.length && !summary) return;
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
