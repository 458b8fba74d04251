import type { Knex } from 'knex';
import { DatabaseFetchStore } from '../database/FetchStore';
import type { DeviceRecord } from '../database/types';

/**
 * A device's Conf Min fetches as durably recorded: on its row, plus the
 * repeats a door logged and has not folded into the row yet.
 */
export async function recordedFetches(
  db: Knex,
  devices: DeviceRecord[],
): Promise<Map<string, number>> {
  const logged = await new DatabaseFetchStore(db).loggedRepeatCounts(
    devices.map(d => d.entityRef),
  );
  return new Map(
    devices.map(d => [
      d.entityRef,
      d.confMinFetchCount + (logged.get(d.entityRef) ?? 0),
    ]),
  );
}
