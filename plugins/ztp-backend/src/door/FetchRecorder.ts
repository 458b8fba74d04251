import { isDataError } from '../database/dataErrors';
import type { FetchStore } from '../database/FetchStore';
import type { RepeatTotal } from '../database/repeatedFetches';
import type { ConfMinFetch } from '../database/types';
import { randomUUID } from 'node:crypto';

type Waiter = { fetch: ConfMinFetch; done: (error?: unknown) => void };

/**
 * A device's logged repeats since the last fold, updated in place as more
 * are logged: in a storm each device repeats every second or so, and an
 * object made per repeat outlived the young generation and piled up as
 * old-generation garbage. Times are numbers for the same reason.
 */
type Unfolded = {
  entityRef: string;
  count: number;
  atMs: number;
  sourceIp: string;
  checkAtMs: number;
};

/** A device fetching again from the same address gets an event this often. */
const REPEAT_EVENT_INTERVAL_MS = 60_000;

/**
 * How a door logs repeated fetches and folds them into the devices' rows
 * (see repeatedFetches.ts). Without it every fetch updates its row.
 */
export type RepeatFolding = {
  /** Wait after a logged repeat before folding (the rows lag this much). */
  intervalMs: number;
  /**
   * Logged repeats older than this that another door left are folded by
   * this one (0: every other owner's, when no other door runs at once).
   */
  abandonedAfterMs: number;
  /** Abandoned log rows folded per transaction. */
  chunk: number;
  /** A fold that failed: its fetches stay logged and are folded later. */
  onError(error: unknown): void;
};

/**
 * The doors' folding. A repeat's row lags it by 30 s at most, as its live
 * update does (REFETCH_SIGNAL_INTERVAL_MS): one fold then covers a device's
 * repeats of the whole interval. A door that died leaves its log to the
 * next one; with other replicas running, only after five minutes.
 */
export const repeatFolding = (options: {
  otherDoorsMayRun: boolean;
  onError(error: unknown): void;
}): RepeatFolding => ({
  intervalMs: 30_000,
  abandonedAfterMs: options.otherDoorsMayRun ? 5 * 60_000 : 0,
  chunk: 1000,
  onError: options.onError,
});

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

  /** This recorder's name in the repeat log. */
  private readonly owner = randomUUID();
  /** Per device, the repeats this recorder logged since its last fold. */
  private unfolded = new Map<string, Unfolded>();
  private foldDue = false;
  private foldTimer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly store: FetchStore,
    private readonly maxBatch = 1000,
    private readonly windowMs = 5,
    private readonly folding?: RepeatFolding,
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
   * Folds what this recorder logged, and what other doors left (a crash
   * may have left some): before the door opens and after it closed.
   */
  async foldAll(): Promise<void> {
    if (!this.folding) return;
    // A batch being written finishes first: the fold deletes all this
    // recorder logged, so it must know all of it.
    while (this.running) await new Promise(r => setTimeout(r, 5));
    await this.foldOwn();
    const { chunk, abandonedAfterMs } = this.folding;
    const before = new Date(Date.now() - abandonedAfterMs);
    while (
      (await this.store.foldAbandonedRepeats(before, this.owner, chunk)) ===
      chunk
    );
  }

  /** Stops folding on a timer (foldAll still folds). */
  close() {
    this.closed = true;
    if (this.foldTimer) clearTimeout(this.foldTimer);
    this.foldTimer = undefined;
  }

  private scheduleFold() {
    if (!this.folding || this.foldTimer || this.closed) return;
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

  /**
   * Applies the repeats this recorder logged, summed up per device, and
   * deletes its log, in one transaction. Runs between batches, never
   * during one, so nothing is logged meanwhile.
   */
  private async foldOwn() {
    if (!this.unfolded.size) return;
    const totals = this.unfolded;
    this.unfolded = new Map();
    const repeats: RepeatTotal[] = [];
    for (const u of totals.values()) {
      repeats.push({
        entityRef: u.entityRef,
        count: u.count,
        at: new Date(u.atMs),
        sourceIp: u.sourceIp,
        checkAt: new Date(u.checkAtMs),
      });
    }
    try {
      await this.store.foldOwnRepeats(this.owner, repeats);
    } catch (error) {
      for (const total of repeats) this.addUnfolded(total);
      throw error;
    }
  }

  private addUnfolded(total: RepeatTotal) {
    const atMs = total.at.getTime();
    const seen = this.unfolded.get(total.entityRef);
    if (!seen) {
      this.unfolded.set(total.entityRef, {
        entityRef: total.entityRef,
        count: total.count,
        atMs,
        sourceIp: total.sourceIp,
        checkAtMs: total.checkAt.getTime(),
      });
      return;
    }
    seen.count += total.count;
    if (seen.atMs > atMs) return;
    seen.atMs = atMs;
    seen.checkAtMs = total.checkAt.getTime();
    // An equal address keeps the string already held (no new survivor).
    if (seen.sourceIp !== total.sourceIp) seen.sourceIp = total.sourceIp;
  }

  private async foldOnTimer() {
    this.foldDue = false;
    try {
      await this.foldOwn();
      const { chunk, abandonedAfterMs } = this.folding!;
      const before = new Date(Date.now() - abandonedAfterMs);
      await this.store.foldAbandonedRepeats(before, this.owner, chunk);
    } catch (error) {
      this.folding!.onError(error);
    }
    if (this.unfolded.size) this.scheduleFold();
  }

  private async drain() {
    try {
      while (this.queue.length || this.foldDue) {
        if (!this.queue.length) {
          await this.foldOnTimer();
          continue;
        }
        const batch = this.queue.splice(0, this.maxBatch);
        const fetches = batch.map(w => w.fetch);
        try {
          this.noteLogged(
            await this.store.recordFetches(
              fetches,
              this.folding && { logRepeatsAs: this.owner },
            ),
          );
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

  /** The repeats of a committed batch the store logged. */
  private noteLogged(repeats: RepeatTotal[]) {
    if (!repeats.length) return;
    repeats.forEach(total => this.addUnfolded(total));
    this.scheduleFold();
  }

  private async writeAlone(waiter: Waiter) {
    try {
      const fetches = [waiter.fetch];
      this.noteLogged(
        await this.store.recordFetches(
          fetches,
          this.folding && { logRepeatsAs: this.owner },
        ),
      );
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
