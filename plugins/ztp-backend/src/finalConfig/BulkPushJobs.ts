import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ZtpBulkPushJob } from '@ztp-portal/backstage-plugin-ztp-common';
import pLimit from 'p-limit';
import type { FinalConfigService } from './FinalConfigService';

/** Finished jobs are forgotten after this long (they only serve polling). */
const KEEP_FINISHED_MS = 60 * 60 * 1000;
/** At most this many jobs are remembered. */
const MAX_JOBS = 200;

type JobRecord = { job: ZtpBulkPushJob; finishedAt?: number };

/**
 * Bulk pushes: one job pushes a selection of devices, a few at a time
 * (ztp.finalConfig.concurrency), and reports its progress for polling while
 * each device's state is published live as it changes.
 *
 * Jobs are kept in this process's memory only: a job's progress is lost if
 * the backend restarts (the devices' Conf Final states and timelines, kept
 * in the database, still say what happened to each), and with several
 * replicas the job is known to the replica that started it.
 */
export class BulkPushJobs {
  private readonly jobs = new Map<string, JobRecord>();

  constructor(
    private readonly options: {
      service: Pick<FinalConfigService, 'push'>;
      concurrency: number;
      logger: LoggerService;
    },
  ) {}

  /** Starts pushing the devices; resolves at once with the job. */
  start(entityRefs: string[], actor: string): ZtpBulkPushJob {
    this.prune();
    const job: ZtpBulkPushJob = {
      id: randomUUID(),
      total: entityRefs.length,
      done: 0,
      failed: 0,
      running: true,
      results: [],
    };
    const record: JobRecord = { job };
    this.jobs.set(job.id, record);
    const limit = pLimit(Math.max(1, this.options.concurrency));
    const pushes = entityRefs.map(ref =>
      limit(async () => {
        let result: { entityRef: string; ok: boolean; error?: string };
        try {
          const pushed = await this.options.service.push(ref, actor);
          result = { entityRef: ref, ok: pushed.ok, error: pushed.error };
        } catch (error) {
          result = {
            entityRef: ref,
            ok: false,
            error: (error as Error)?.message ?? String(error),
          };
        }
        job.results.push(result);
        job.done += 1;
        if (!result.ok) job.failed += 1;
      }),
    );
    void Promise.all(pushes).then(() => {
      job.running = false;
      record.finishedAt = Date.now();
      this.options.logger.info(
        `Bulk push ${job.id}: ${job.done - job.failed} of ${
          job.total
        } devices pushed, ${job.failed} failed`,
      );
    });
    return this.snapshot(job);
  }

  get(id: string): ZtpBulkPushJob | undefined {
    const record = this.jobs.get(id);
    return record ? this.snapshot(record.job) : undefined;
  }

  /** Resolves when a job has finished (tests, shutdown). */
  async settled(id: string, pollMs = 20): Promise<ZtpBulkPushJob | undefined> {
    for (;;) {
      const job = this.get(id);
      if (!job || !job.running) return job;
      await new Promise(resolve => setTimeout(resolve, pollMs));
    }
  }

  private snapshot(job: ZtpBulkPushJob): ZtpBulkPushJob {
    return { ...job, results: job.results.map(r => ({ ...r })) };
  }

  private prune() {
    const now = Date.now();
    for (const [id, record] of this.jobs) {
      if (record.finishedAt && now - record.finishedAt > KEEP_FINISHED_MS) {
        this.jobs.delete(id);
      }
    }
    const finished = [...this.jobs].filter(([, r]) => r.finishedAt);
    while (this.jobs.size >= MAX_JOBS && finished.length) {
      this.jobs.delete(finished.shift()![0]);
    }
  }
}
