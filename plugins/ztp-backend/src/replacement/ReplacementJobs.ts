import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ZtpReplacementCsvCheck,
  ZtpReplacementJob,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceStore } from '../database/DeviceStore';
import type { DeviceReplacement } from './DeviceReplacement';
import type {
  ReplacementJobRow,
  ReplacementJobStore,
} from './ReplacementJobStore';

/** How often a replica running replacement lists says it still runs them. */
export const REPLACEMENT_JOB_HEARTBEAT_MS = 15_000;

/**
 * A validated replacement list applied as one job: the devices replaced one
 * after the other, each result and the progress in the database, so that
 * any replica answers for it (as bulk pushes do). A job whose replica died
 * (no heartbeat for four heartbeats) is taken over by another replica, or
 * by this one after a restart, which replaces the devices that have no
 * result yet.
 */
export class ReplacementJobs {
  /** This backend instance, as the runner of the jobs it starts. */
  readonly runner = `ztp-${randomUUID()}`;
  private readonly running = new Set<Promise<void>>();
  private heartbeatTimer?: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      replacement: Pick<DeviceReplacement, 'replace'>;
      store: ReplacementJobStore;
      devices: Pick<DeviceStore, 'getDevice'>;
      logger: LoggerService;
      heartbeatMs?: number;
    },
  ) {}

  async start(
    rows: ZtpReplacementCsvCheck['rows'],
    actor: string,
  ): Promise<ZtpReplacementJob> {
    const { store } = this.deps;
    const id = await store.createJob({
      actor,
      rows: rows.map(r => ({
        entityRef: r.entityRef,
        newSerial: r.newSerial,
        newMacAddress: r.newMacAddress,
      })),
      runner: this.runner,
      at: new Date(),
    });
    this.run(id, actor, rows);
    return (await store.getJob(id))!;
  }

  get(id: string): Promise<ZtpReplacementJob | undefined> {
    return this.deps.store.getJob(id);
  }

  /**
   * Takes over the jobs whose replica died and replaces the devices they
   * have no result for: run every heartbeat on every replica (of two
   * sweeping at once, one takes each job). Returns the ids of the jobs
   * taken over.
   */
  async sweep(now = new Date()): Promise<string[]> {
    const staleMs = (this.deps.heartbeatMs ?? REPLACEMENT_JOB_HEARTBEAT_MS) * 4;
    const taken = await this.deps.store.takeOver({
      runner: this.runner,
      staleBefore: new Date(now.getTime() - staleMs),
      at: now,
    });
    for (const job of taken) {
      this.deps.logger.warn(
        `Replacement list ${job.id} taken over: the backend running it stopped answering; ${job.remaining.length} devices left to replace`,
      );
      this.run(job.id, job.actor, job.remaining, job.startedAt);
    }
    return taken.map(job => job.id);
  }

  /** Waits for this replica's jobs (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.running]);
  }

  /** On shutdown: the heartbeat stops, so another replica takes over. */
  stop(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  /**
   * Replaces the rows one after the other. A taken-over job first asks
   * whether the dead replica already replaced a row (the device carries
   * this job's replacement marker) so that no box is reset twice.
   */
  private run(
    id: string,
    actor: string,
    rows: ReplacementJobRow[],
    takenOverFrom?: Date,
  ) {
    const { store, replacement, logger } = this.deps;
    const job = (async () => {
      for (const row of rows) {
        try {
          if (
            takenOverFrom &&
            (await this.alreadyReplaced(row, actor, takenOverFrom))
          ) {
            await store.recordResult(id, {
              entityRef: row.entityRef,
              ok: true,
            });
            continue;
          }
          await replacement.replace({ ...row, actor });
          await store.recordResult(id, { entityRef: row.entityRef, ok: true });
        } catch (error) {
          await store.recordResult(id, {
            entityRef: row.entityRef,
            ok: false,
            error: (error as Error).message,
          });
        }
      }
      await store.finishJob(id);
    })().catch(error =>
      logger.error(`Replacement list ${id} stopped: ${error}`),
    );
    this.running.add(job);
    this.keepAlive();
    void job.finally(() => {
      this.running.delete(job);
      if (!this.running.size) this.stop();
    });
  }

  private async alreadyReplaced(
    row: ReplacementJobRow,
    actor: string,
    jobStartedAt: Date,
  ): Promise<boolean> {
    const marker = (await this.deps.devices.getDevice(row.entityRef))
      ?.replacement;
    return (
      marker?.kind === 'replacement' &&
      marker.requestedBy === actor &&
      new Date(marker.requestedAt).getTime() >= jobStartedAt.getTime()
    );
  }

  private keepAlive() {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => {
      this.deps.store
        .heartbeat(this.runner, new Date())
        .catch(error =>
          this.deps.logger.warn(`Replacement list heartbeat failed: ${error}`),
        );
    }, this.deps.heartbeatMs ?? REPLACEMENT_JOB_HEARTBEAT_MS);
    this.heartbeatTimer.unref();
  }
}
