import type { Knex } from 'knex';

/**
 * Jobs that outlive their replica (bulk pushes, replacement lists) share
 * one take-over: the running jobs whose runner was last heard of before
 * `staleBefore` become `runner`'s, each by a compare-and-set so that of two
 * replicas sweeping at once one takes it, and come back with the entity
 * refs they already have a result for.
 */
export async function takeOverStaleJobs<Row extends { id: string }>(
  tx: Knex.Transaction,
  tables: { jobs: string; results: string },
  options: { runner: string; staleBefore: Date; at: Date },
  columns: string[],
): Promise<{ job: Row; reached: Set<string> }[]> {
  const stale = (await tx(tables.jobs)
    .where({ state: 'running' })
    .where('heartbeat_at', '<', options.staleBefore)
    .select('id', ...columns)) as Row[];
  const taken = [];
  for (const job of stale) {
    const changed = await tx(tables.jobs)
      .where({ id: job.id, state: 'running' })
      .where('heartbeat_at', '<', options.staleBefore)
      .update({ runner: options.runner, heartbeat_at: options.at });
    if (!changed) continue;
    const results = await tx(tables.results)
      .where({ job_id: job.id })
      .select('entity_ref');
    taken.push({
      job,
      reached: new Set(results.map(r => r.entity_ref as string)),
    });
  }
  return taken;
}
