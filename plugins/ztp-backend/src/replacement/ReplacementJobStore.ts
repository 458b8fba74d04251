import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { ZtpReplacementJob } from '@ztp-portal/backstage-plugin-ztp-common';
import { toDate } from '../database/rows';
import { takeOverStaleJobs } from '../database/takeOverStaleJobs';

/** One line of a replacement list, as a job keeps it. */
export type ReplacementJobRow = {
  entityRef: string;
  newSerial?: string;
  newMacAddress?: string;
};

/** A job taken over from a replica that stopped answering. */
export type TakenOverReplacementJob = {
  id: string;
  actor: string;
  startedAt: Date;
  /** The rows without a result yet, in the list's order. */
  remaining: ReplacementJobRow[];
};

/**
 * Replacement lists (CSV) as jobs in the ZTP database: their rows, results
 * and progress, so that any replica reports on a job, and its runner's
 * heartbeat, so that another replica takes over a job whose runner died.
 */
export class ReplacementJobStore {
  constructor(private readonly db: Knex) {}

  async createJob(job: {
    actor: string;
    rows: ReplacementJobRow[];
    runner: string;
    at: Date;
  }): Promise<string> {
    const id = randomUUID();
    await this.db('ztp_replacement_jobs').insert({
      id,
      actor: job.actor,
      total: job.rows.length,
      rows: JSON.stringify(job.rows),
      state: 'running',
      started_at: job.at,
      runner: job.runner,
      heartbeat_at: job.at,
    });
    return id;
  }

  /** A row's outcome, counted once: a second result for it is ignored. */
  async recordResult(
    jobId: string,
    result: { entityRef: string; ok: boolean; error?: string },
  ): Promise<void> {
    await this.db.transaction(async tx => {
      const inserted = await tx('ztp_replacement_results')
        .insert({
          job_id: jobId,
          entity_ref: result.entityRef,
          ok: result.ok,
          error: result.error ?? null,
          at: new Date(),
        })
        .onConflict(['job_id', 'entity_ref'])
        .ignore()
        .returning('id');
      if (!inserted.length) return;
      await tx('ztp_replacement_jobs')
        .where({ id: jobId })
        .increment(result.ok ? 'done' : 'failed', 1);
    });
  }

  async finishJob(jobId: string, now = new Date()): Promise<void> {
    await this.db('ztp_replacement_jobs')
      .where({ id: jobId })
      .update({ state: 'finished', finished_at: now, heartbeat_at: now });
  }

  /** The runner still runs its jobs. */
  async heartbeat(runner: string, at: Date): Promise<void> {
    await this.db('ztp_replacement_jobs')
      .where({ runner, state: 'running' })
      .update({ heartbeat_at: at });
  }

  /**
   * Takes the running jobs whose runner was last heard of before
   * `staleBefore` (a compare-and-set per job: of two replicas sweeping at
   * once, one takes it), with the rows they have no result for.
   */
  async takeOver(options: {
    runner: string;
    staleBefore: Date;
    at: Date;
  }): Promise<TakenOverReplacementJob[]> {
    return this.db.transaction(async tx => {
      const taken = await takeOverStaleJobs<{
        id: string;
        actor: string;
        rows: string | null;
        started_at: unknown;
      }>(
        tx,
        { jobs: 'ztp_replacement_jobs', results: 'ztp_replacement_results' },
        options,
        ['actor', 'rows', 'started_at'],
      );
      return taken.map(({ job, reached }) => ({
        id: job.id,
        actor: job.actor,
        startedAt: toDate(job.started_at)!,
        // Jobs from before their rows were kept have nothing to resume.
        remaining: (JSON.parse(job.rows ?? '[]') as ReplacementJobRow[]).filter(
          row => !reached.has(row.entityRef),
        ),
      }));
    });
  }

  async getJob(jobId: string): Promise<ZtpReplacementJob | undefined> {
    const row = await this.db('ztp_replacement_jobs')
      .where({ id: jobId })
      .first();
    if (!row) return undefined;
    const results = await this.db('ztp_replacement_results')
      .where({ job_id: jobId })
      .orderBy('id');
    return {
      id: row.id,
      actor: row.actor,
      total: Number(row.total),
      done: Number(row.done),
      failed: Number(row.failed),
      running: row.state === 'running',
      startedAt: toDate(row.started_at)!.toISOString(),
      finishedAt: toDate(row.finished_at)?.toISOString(),
      results: results.map(r => ({
        entityRef: r.entity_ref,
        ok: Boolean(r.ok),
        ...(r.error ? { error: r.error } : {}),
      })),
    };
  }
}
