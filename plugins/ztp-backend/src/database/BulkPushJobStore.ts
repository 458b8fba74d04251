import type { Knex } from 'knex';
import type { ZtpBulkPushJob } from '@ztp-portal/backstage-plugin-ztp-common';
import { takeOverStaleJobs } from './takeOverStaleJobs';

/** One device's outcome in a bulk push. */
export type BulkPushResult = { entityRef: string; ok: boolean; error?: string };

/**
 * Bulk pushes in the database, so that any replica can report a job's
 * progress and a job outlives the process that ran it.
 */
export interface BulkPushJobStore {
  create(job: {
    id: string;
    actor: string;
    entityRefs: string[];
    runner: string;
    at: Date;
  }): Promise<void>;
  /**
   * Adds a device's outcome and counts it; also a heartbeat of the runner.
   * A device already recorded in the job is not recorded again.
   */
  addResult(jobId: string, result: BulkPushResult, at: Date): Promise<void>;
  finish(jobId: string, at: Date): Promise<void>;
  /** The runner is alive: its running jobs are not interrupted. */
  heartbeat(runner: string, at: Date): Promise<void>;
  get(jobId: string): Promise<ZtpBulkPushJob | undefined>;
  /**
   * Marks interrupted the running jobs of `runner`, or, without one, those
   * whose runner was last heard of before `staleBefore`. Returns their ids.
   */
  interrupt(options: {
    runner?: string;
    staleBefore?: Date;
    at: Date;
  }): Promise<string[]>;
  /**
   * Makes `runner` the runner of the running jobs last heard of before
   * `staleBefore` (their runner died), each taken by one replica only.
   * Returns them with the devices they have no result for yet.
   */
  takeOver(options: {
    runner: string;
    staleBefore: Date;
    at: Date;
  }): Promise<{ id: string; actor: string; remaining: string[] }[]>;
  /** Deletes the jobs that ended before the date; returns how many. */
  prune(endedBefore: Date): Promise<number>;
}

const iso = (value: unknown): string | undefined => {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  const s = String(value);
  return new Date(/^\d+$/.test(s) ? Number(s) : s).toISOString();
};

/** {@link BulkPushJobStore} on knex (SQLite and PostgreSQL). */
export class DatabaseBulkPushJobStore implements BulkPushJobStore {
  constructor(private readonly db: Knex) {}

  async create(job: {
    id: string;
    actor: string;
    entityRefs: string[];
    runner: string;
    at: Date;
  }) {
    await this.db('ztp_bulk_push_jobs').insert({
      id: job.id,
      actor: job.actor,
      entity_refs: JSON.stringify(job.entityRefs),
      total: job.entityRefs.length,
      runner: job.runner,
      heartbeat_at: job.at,
      started_at: job.at,
    });
  }

  async addResult(jobId: string, result: BulkPushResult, at: Date) {
    await this.db.transaction(async tx => {
      const inserted = await tx('ztp_bulk_push_results')
        .insert({
          job_id: jobId,
          entity_ref: result.entityRef,
          ok: result.ok,
          error: result.error ?? null,
          at,
        })
        .onConflict(['job_id', 'entity_ref'])
        .ignore()
        .returning('id');
      if (!inserted.length) return;
      await tx('ztp_bulk_push_jobs')
        .where({ id: jobId })
        .update({
          done: tx.raw('done + 1'),
          failed: tx.raw('failed + ?', [result.ok ? 0 : 1]),
          heartbeat_at: at,
        });
    });
  }

  async finish(jobId: string, at: Date) {
    await this.db('ztp_bulk_push_jobs')
      .where({ id: jobId, state: 'running' })
      .update({ state: 'finished', finished_at: at, heartbeat_at: at });
  }

  async heartbeat(runner: string, at: Date) {
    await this.db('ztp_bulk_push_jobs')
      .where({ runner, state: 'running' })
      .update({ heartbeat_at: at });
  }

  async get(jobId: string): Promise<ZtpBulkPushJob | undefined> {
    const row = await this.db('ztp_bulk_push_jobs')
      .where({ id: jobId })
      .first();
    if (!row) return undefined;
    const rows = await this.db('ztp_bulk_push_results')
      .where({ job_id: jobId })
      .orderBy('id');
    const results: BulkPushResult[] = rows.map(r => ({
      entityRef: r.entity_ref,
      ok: Boolean(r.ok),
      ...(r.error === null || r.error === undefined ? {} : { error: r.error }),
    }));
    const job: ZtpBulkPushJob = {
      id: row.id,
      actor: row.actor,
      total: Number(row.total),
      done: Number(row.done),
      failed: Number(row.failed),
      running: row.state === 'running',
      startedAt: iso(row.started_at),
      finishedAt: iso(row.finished_at),
      results,
    };
    if (row.state === 'interrupted') {
      const reached = new Set(results.map(r => r.entityRef));
      const refs: string[] = JSON.parse(row.entity_refs);
      job.interrupted = { notPushed: refs.filter(ref => !reached.has(ref)) };
    }
    return job;
  }

  async interrupt(options: { runner?: string; staleBefore?: Date; at: Date }) {
    if (!options.runner && !options.staleBefore) return [];
    return this.db.transaction(async tx => {
      const query = tx('ztp_bulk_push_jobs').where({ state: 'running' });
      if (options.runner) query.where({ runner: options.runner });
      if (options.staleBefore) {
        query.where('heartbeat_at', '<', options.staleBefore);
      }
      const ids: string[] = (await query.clone().select('id')).map(r => r.id);
      if (ids.length) {
        await tx('ztp_bulk_push_jobs')
          .whereIn('id', ids)
          .where({ state: 'running' })
          .update({ state: 'interrupted', finished_at: options.at });
      }
      return ids;
    });
  }

  async takeOver(options: { runner: string; staleBefore: Date; at: Date }) {
    return this.db.transaction(async tx => {
      const taken = await takeOverStaleJobs<{
        id: string;
        actor: string;
        entity_refs: string;
      }>(
        tx,
        { jobs: 'ztp_bulk_push_jobs', results: 'ztp_bulk_push_results' },
        options,
        ['actor', 'entity_refs'],
      );
      return taken.map(({ job, reached }) => ({
        id: job.id,
        actor: job.actor,
        remaining: (JSON.parse(job.entity_refs) as string[]).filter(
          ref => !reached.has(ref),
        ),
      }));
    });
  }

  async prune(endedBefore: Date): Promise<number> {
    return this.db.transaction(async tx => {
      const ended = tx('ztp_bulk_push_jobs')
        .whereNot({ state: 'running' })
        .where('finished_at', '<', endedBefore)
        .select('id');
      // Not relying on ON DELETE CASCADE: SQLite only honours it with
      // foreign keys switched on.
      await tx('ztp_bulk_push_results').whereIn('job_id', ended).delete();
      const deleted = await tx('ztp_bulk_push_jobs')
        .whereNot({ state: 'running' })
        .where('finished_at', '<', endedBefore)
        .delete();
      return Number(deleted);
    });
  }
}
