import { isDataError } from '../database/dataErrors';
import type { FetchStore } from '../database/FetchStore';
import type { ConfMinFetch } from '../database/types';

type Waiter = { fetch: ConfMinFetch; done: (error?: unknown) => void };

/** A device fetching again from the same address gets an event this often. */
const REPEAT_EVENT_INTERVAL_MS = 60_000;

/** How the repeated fetches the store logs are folded into the devices' rows. */
export type RepeatFolding = {
  /** Wait after a logged repeat before folding (the rows lag this much). */
  intervalMs: number;
  /** Logged fetches folded per transaction. */
  chunk: number;
  /** A fold that failed: its fetches stay logged and are folded later. */
  onError(error: unknown): void;
};

/** The doors' folding: rows lag a repeat by 2 s at most, in a storm too. */
export const REPEAT_FOLDING: RepeatFolding = {
  intervalMs: 2000,
  chunk: 1000,
  onError: () => {},
};

/**
 * Group commit of Conf Min fetches: every fetch that arrives while a
 * transaction is running joins the next one, so hundreds of concurrent
 * devices cost a few transactions instead of queueing on the database one
 * by one. record() resolves only once the fetch is durable.
 */
export class FetchRecorder {
  private queue: Waiter[] = [];
  private running = false;
  /** Per device: its last timeline event, and fetches counted since. */
  private readonly lastEvent = new Map<
    string,
    { at: Date; sourceIp: string; skipped: number }
  >();

  private foldDue = false;
  private foldTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly store: FetchStore,
    private readonly maxBatch = 1000,
    private readonly windowMs = 5,
    private readonly folding: RepeatFolding = REPEAT_FOLDING,
  ) {}

  /**
   * A device's first fetch, a fetch from another address, and a repeated
   * fetch once a minute get a timeline event; the fetches in between are
   * counted (the device's fetch count is exact) and summed up in the next
   * event, as a device in a boot loop would otherwise fill the timeline.
   */
  private timeline(fetch: ConfMinFetch): ConfMinFetch {
    const last = this.lastEvent.get(fetch.entityRef);
    if (
      last &&
      last.sourceIp === fetch.sourceIp &&
      fetch.at.getTime() - last.at.getTime() < REPEAT_EVENT_INTERVAL_MS
    ) {
      last.skipped++;
      // The fetch is this recorder's own from here on: no copy.
      fetch.timeline = false;
      return fetch;
    }
    this.lastEvent.set(fetch.entityRef, {
      at: fetch.at,
      sourceIp: fetch.sourceIp,
      skipped: 0,
    });
    return last?.skipped && last.sourceIp === fetch.sourceIp
      ? { ...fetch, repeatedSince: { count: last.skipped, at: last.at } }
      : fetch;
  }

  /** Forgets a device (it left the queue). */
  forget(entityRef: string) {
    this.lastEvent.delete(entityRef);
  }

  record(input: ConfMinFetch): Promise<void> {
    const fetch = this.timeline(input);
    return new Promise((resolve, reject) => {
      this.queue.push({
        fetch,
        done: error => (error ? reject(error) : resolve()),
      });
      // Wait a few milliseconds so the fetches arriving meanwhile join the
      // same transaction: per-transaction cost dominates, not per-row cost.
      if (!this.running) {
        this.running = true;
        setTimeout(() => void this.drain(), this.windowMs);
      }
    });
  }

  /**
   * Folds every logged repeat into the rows: before the door opens (a
   * crash may have left some) and after it closed.
   */
  async foldAll(): Promise<void> {
    const { chunk } = this.folding;
    while ((await this.store.foldRepeatedFetches(chunk)) === chunk);
  }

  /** Stops folding on a timer (foldAll still folds). */
  close() {
    this.closed = true;
    if (this.foldTimer) clearTimeout(this.foldTimer);
    this.foldTimer = undefined;
  }

  private scheduleFold() {
    if (this.foldTimer || this.closed) return;
    this.foldTimer = setTimeout(() => {
      this.foldTimer = undefined;
      this.foldDue = true;
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    }, this.folding.intervalMs);
    // Folding never keeps a process alive: the doors fold all as they stop.
    this.foldTimer.unref();
  }

  /** One chunk of the log, between batches of fetches (never during one). */
  private async foldChunk() {
    this.foldDue = false;
    try {
      const folded = await this.store.foldRepeatedFetches(this.folding.chunk);
      if (folded === this.folding.chunk) {
        // More left: fetches that arrived meanwhile go first.
        await new Promise(setImmediate);
        this.foldDue = true;
      }
    } catch (error) {
      this.folding.onError(error);
      this.scheduleFold();
    }
  }

  private async drain() {
    try {
      while (this.queue.length || this.foldDue) {
        if (!this.queue.length) {
          await this.foldChunk();
          continue;
        }
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.store.recordFetches(batch.map(w => w.fetch));
          if (batch.some(w => w.fetch.timeline === false)) {
            this.scheduleFold();
          }
          batch.forEach(w => w.done());
        } catch (error) {
          if (batch.length > 1 && isDataError(error)) {
            // One device's fetch the database refused: the others of its
            // batch are written on their own, not failed with it.
            for (const waiter of batch) await this.writeAlone(waiter);
          } else {
            this.failed(batch, error);
          }
        }
      }
    } finally {
      this.running = false;
    }
  }

  private async writeAlone(waiter: Waiter) {
    try {
      await this.store.recordFetches([waiter.fetch]);
      waiter.done();
    } catch (error) {
      this.failed([waiter], error);
    }
  }

  private failed(waiters: Waiter[], error: unknown) {
    // Nothing of these was written: their next fetches get events.
    waiters.forEach(w => this.lastEvent.delete(w.fetch.entityRef));
    waiters.forEach(w => w.done(error));
  }
}
