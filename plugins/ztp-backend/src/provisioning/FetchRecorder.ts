import type { ConfMinFetch, ZtpStore } from '../database/types';

type Waiter = { fetch: ConfMinFetch; done: (error?: unknown) => void };

/**
 * Group commit of Conf Min fetches: every fetch that arrives while a
 * transaction is running joins the next one, so hundreds of concurrent
 * devices cost a few transactions instead of queueing on the database one
 * by one. record() resolves only once the fetch is durable.
 */
export class FetchRecorder {
  private queue: Waiter[] = [];
  private running = false;

  constructor(
    private readonly store: ZtpStore,
    private readonly maxBatch = 1000,
    private readonly windowMs = 5,
  ) {}

  record(fetch: ConfMinFetch): Promise<void> {
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

  private async drain() {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.store.recordFetches(batch.map(w => w.fetch));
          batch.forEach(w => w.done());
        } catch (error) {
          batch.forEach(w => w.done(error));
        }
      }
    } finally {
      this.running = false;
    }
  }
}
