import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ZtpBulkPushJob } from '@ztp-portal/backstage-plugin-ztp-common';
import pLimit from 'p-limit';
import type {
  BulkPushJobStore,
  BulkPushResult,
} from '../database/BulkPushJobStore';
import type { FinalConfigService } from './FinalConfigService';

/** How often a replica running jobs says it is still running them. */
export const BULK_PUSH_HEARTBEAT_MS = 15_000;
/** A running job not heard of for this long lost its replica. */
export const BULK_PUSH_STALE_MS = 4 * BULK_PUSH_HEARTBEAT_MS;

/**
 * Bulk pushes: one job pushes a selection of devices, a few at a time
 * (ztp.finalConfig.concurrency), while each device's state is published live
 * as it changes. Jobs and their results are in the database: any replica
 * answers for a job's progress; a job whose replica died (no heartbeat for
 * four heartbeats) is taken over by another replica, which pushes the
 * devices that have no result yet; a job whose replica shuts down is marked
 * interrupted with the devices it did not reach.
 */
export class BulkPushJobs {
  /** This backend instance, as the runner of the jobs it starts. */
  readonly runner = `ztp-${randomUUID()}`;
  private readonly running = new Map<string, Promise<void>>();
  private heartbeatTimer?: NodeJS.Timeout;

  constructor(
    private readonly options: {
      service: Pick<FinalConfigService, 'push'>;
      store: BulkPushJobStore;
      concurrency: number;
      logger: LoggerService;
      heartbeatMs?: number;
    },
  ) {}

  /** Starts pushing the devices; resolves once the job is recorded. */
  async start(entityRefs: string[], actor: string): Promise<ZtpBulkPushJob> {
    const { store } = this.options;
    const id = randomUUID();
    await store.create({
      id,
      actor,
      entityRefs,
      runner: this.runner,
      at: new Date(),
    });
    this.run(id, actor, entityRefs, false);
    return (await store.get(id))!;
  }

  /** Pushes the devices of a job this replica runs, in the background. */
  private run(
    id: string,
    actor: string,
    entityRefs: string[],
    takenOver: boolean,
  ) {
    const { store, logger } = this.options;
    const limit = pLimit(Math.max(1, this.options.concurrency));
    let failed = 0;
    const pushes = entityRefs.map(ref =>
      limit(async () => {
        let result: BulkPushResult;
        try {
          const pushed = await this.options.service.push(
            ref,
            actor,
            takenOver ? { takingOver: true } : undefined,
          );
          result = { entityRef: ref, ok: pushed.ok, error: pushed.error };
        } catch (error) {
          result = {
            entityRef: ref,
            ok: false,
            error: (error as Error)?.message ?? String(error),
          };
        }
        if (!result.ok) failed += 1;
        await store
          .addResult(id, result, new Date())
          .catch(error =>
            logger.error(
              `Bulk push ${id}: could not record the result of ${ref}: ${error}`,
            ),
          );
      }),
    );
    const run = Promise.all(pushes).then(async () => {
      await store
        .finish(id, new Date())
        .catch(error =>
          logger.error(`Bulk push ${id}: could not record its end: ${error}`),
        );
      logger.info(
        `Bulk push ${id}: ${entityRefs.length - failed} of ${
          entityRefs.length
        } devices pushed${
          takenOver ? ' by this replica' : ''
        }, ${failed} failed`,
      );
    });
    this.running.set(id, run);
    this.keepAlive();
    void run.finally(() => {
      this.running.delete(id);
      if (!this.running.size) this.stopHeartbeat();
    });
  }

  get(id: string): Promise<ZtpBulkPushJob | undefined> {
    return this.options.store.get(id);
  }

  /** Resolves when a job has ended (tests, shutdown). */
  async settled(id: string, pollMs = 20): Promise<ZtpBulkPushJob | undefined> {
    for (;;) {
      const job = await this.get(id);
      if (!job || !job.running) return job;
      await new Promise(resolve => setTimeout(resolve, pollMs));
    }
  }

  /**
   * Takes over the jobs whose replica died and pushes the devices they have
   * no result for: run every heartbeat on every replica (of two sweeping
   * at once, one takes each job). Returns the ids of the jobs taken over.
   */
  async sweep(now = new Date()): Promise<string[]> {
    const staleMs = (this.options.heartbeatMs ?? BULK_PUSH_HEARTBEAT_MS) * 4;
    const taken = await this.options.store.takeOver({
      runner: this.runner,
      staleBefore: new Date(now.getTime() - staleMs),
      at: now,
    });
    for (const job of taken) {
      this.options.logger.warn(
        `Bulk push ${job.id} taken over: the backend running it stopped answering; ${job.remaining.length} devices left to push`,
      );
      this.run(job.id, job.actor, job.remaining, true);
    }
    return taken.map(job => job.id);
  }

  /**
   * On shutdown: this replica's running jobs say at once that they were
   * interrupted, and which devices they did not reach.
   */
  async stop(): Promise<void> {
    this.stopHeartbeat();
    if (!this.running.size) return;
    const ids = await this.options.store.interrupt({
      runner: this.runner,
      at: new Date(),
    });
    for (const id of ids) {
      this.options.logger.warn(
        `Bulk push ${id} interrupted: the backend is shutting down`,
      );
    }
  }

  /** Deletes the jobs that ended before the date. */
  prune(endedBefore: Date): Promise<number> {
    return this.options.store.prune(endedBefore);
  }

  private keepAlive() {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => {
      this.options.store
        .heartbeat(this.runner, new Date())
        .catch(error =>
          this.options.logger.warn(`Bulk push heartbeat failed: ${error}`),
        );
    }, this.options.heartbeatMs ?? BULK_PUSH_HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }

  private stopHeartbeat() {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }
}
