import type { Knex } from 'knex';
import type { DeviceRecord } from '../database/types';

/**
 * A device's Conf Min fetches as durably recorded: on its row, plus the
 * repeats a door logged and has not folded into the row yet.
 */
export async function recordedFetches(
  db: Knex,
  devices: DeviceRecord[],
): Promise<Map<string, number>> {
  const logged: { entity_ref: string; n: unknown }[] = await db(
    'ztp_repeated_fetches',
  )
    .whereIn(
      'entity_ref',
      devices.map(d => d.entityRef),
    )
    .select('entity_ref')
    .sum({ n: 'count' })
    .groupBy('entity_ref');
  const counts = new Map(devices.map(d => [d.entityRef, d.confMinFetchCount]));
  for (const row of logged) {
    counts.set(
      row.entity_ref,
      (counts.get(row.entity_ref) ?? 0) + Number(row.n),
    );
  }
  return counts;
}
