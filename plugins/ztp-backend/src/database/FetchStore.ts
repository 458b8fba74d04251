import type { Knex } from 'knex';
import {
  eventRow,
  runInsertEvent,
  SQLITE_INSERT_EVENT,
  type EventRow,
} from './EventStore';
import {
  postgresRepeatLog,
  splitBatch,
  sqliteRepeatLog,
  type DeviceFetches,
  type RepeatTotal,
} from './repeatedFetches';
import { isSqlite, withSqlite } from './sqliteFastPath';
import type { ConfMinFetch } from './types';

/** The minimal configurations the devices fetched. */
export interface FetchStore {
  /**
   * Records Conf Min fetches in one transaction (group commit): state Loaded,
   * time, source address, count, and a timeline event for each.
   */
  recordFetches(
    fetches: ConfMinFetch[],
    options?: {
      /**
       * Quiet repeats (see splitBatch) are appended to the repeat log under
       * this owner instead of updating their rows; the owner folds them
       * with foldOwnRepeats.
       */
      logRepeatsAs?: string;
    },
  ): Promise<RepeatTotal[]>;
  /**
   * Applies an owner's logged repeats, summed up per device by the owner,
   * to the rows and deletes everything it logged, in one transaction.
   * The owner logs nothing meanwhile.
   */
  foldOwnRepeats(owner: string, totals: RepeatTotal[]): Promise<void>;
  /**
   * Folds up to `limit` logged repeats older than `before` that another
   * owner left (a door that stopped without folding), and returns how many.
   * Replicas folding at once each take other rows.
   */
  foldAbandonedRepeats(
    before: Date,
    exceptOwner: string,
    limit: number,
  ): Promise<number>;
  /**
   * Per device, the repeats logged and not folded into its row yet: its
   * fetches as durably recorded are its row's count plus these.
   */
  loggedRepeatCounts(
    entityRefs: readonly string[],
  ): Promise<Map<string, number>>;
}

/** The timeline events of a batch of fetches. */
function fetchEvents(fetches: ConfMinFetch[]) {
  const events = [];
  for (const f of fetches) {
    if (f.timeline !== false) {
      const again = f.repeatedSince
        ? `; ${f.repeatedSince.count} more fetch${
            f.repeatedSince.count === 1 ? '' : 'es'
          } from there since ${f.repeatedSince.at.toISOString()}`
        : '';
      events.push(
        eventRow({
          entityRef: f.entityRef,
          at: f.at,
          type: 'confmin.fetched',
          actor: `device:${f.sourceIp}`,
          message: `Minimal configuration fetched from ${f.sourceIp} (recognised by ${f.via})${again}`,
          details: {
            sourceIp: f.sourceIp,
            via: f.via,
            ...(f.repeatedSince && {
              repeatedFetches: f.repeatedSince.count,
              repeatedSince: f.repeatedSince.at.toISOString(),
            }),
          },
        }),
      );
    }
    if (f.headerSerialMismatch) {
      events.push(
        eventRow({
          entityRef: f.entityRef,
          at: f.at,
          type: 'serial.header-mismatch',
          actor: `device:${f.sourceIp}`,
          message: `The device announced serial ${f.headerSerial} in its ZTP request; ${f.expectedSerial} is expected. It still gets its configuration; the SSH check decides`,
          details: {
            headerSerial: f.headerSerial,
            expected: f.expectedSerial,
          },
        }),
      );
    }
  }
  return events;
}

// The SQLite fast path's statement (see recordOnSqlite).
const SQLITE_RECORD_FETCH = `UPDATE ztp_devices SET
  conf_min_state = 'loaded',
  conf_min_loaded_at = ?,
  conf_min_loaded_from = ?,
  updated_at = ?,
  conf_min_fetch_count = conf_min_fetch_count + ?,
  header_serial = COALESCE(?, header_serial),
  serial_next_check_at = CASE
    WHEN serial_state <> 'checked' AND serial_next_check_at IS NULL
    THEN ? ELSE serial_next_check_at END
WHERE entity_ref = ?`;

/** {@link FetchStore} on knex (PostgreSQL) and better-sqlite3 (SQLite). */
export class DatabaseFetchStore implements FetchStore {
  constructor(private readonly db: Knex) {}

  async recordFetches(
    fetches: ConfMinFetch[],
    options?: { logRepeatsAs?: string },
  ) {
    if (!fetches.length) return [];
    const owner = options?.logRepeatsAs;
    // One device may fetch twice in a batch: count both, keep the latest.
    const { rows, repeats } = splitBatch(fetches, owner !== undefined);
    const events = fetchEvents(fetches);
    const log = { owner: owner ?? '', repeats };
    await (isSqlite(this.db)
      ? this.recordOnSqlite(rows, log, events)
      : this.recordOnPostgres(rows, log, events));
    return repeats;
  }

  async loggedRepeatCounts(entityRefs: readonly string[]) {
    const counts = new Map<string, number>();
    for (let i = 0; i < entityRefs.length; i += 500) {
      const rows: { entity_ref: string; n: unknown }[] = await this.db(
        'ztp_repeated_fetches',
      )
        .whereIn('entity_ref', entityRefs.slice(i, i + 500))
        .select('entity_ref')
        .sum({ n: 'count' })
        .groupBy('entity_ref');
      for (const row of rows) counts.set(row.entity_ref, Number(row.n));
    }
    return counts;
  }

  async foldOwnRepeats(owner: string, totals: RepeatTotal[]) {
    if (isSqlite(this.db)) {
      await withSqlite(this.db, sqlite =>
        sqlite.immediate(() => {
          sqliteRepeatLog.fold(sqlite, totals);
          sqliteRepeatLog.deleteOwn(sqlite, owner);
        }),
      );
      return;
    }
    await this.db.transaction(async tx => {
      await postgresRepeatLog.fold(tx, totals);
      await postgresRepeatLog.deleteOwn(tx, owner);
    });
  }

  async foldAbandonedRepeats(before: Date, exceptOwner: string, limit: number) {
    if (isSqlite(this.db)) {
      return withSqlite(this.db, sqlite => {
        let taken = 0;
        sqlite.immediate(() => {
          const abandoned = sqliteRepeatLog.takeAbandoned(
            sqlite,
            before,
            exceptOwner,
            limit,
          );
          sqliteRepeatLog.fold(sqlite, abandoned.totals);
          taken = abandoned.taken;
        });
        return taken;
      });
    }
    return this.db.transaction(async tx => {
      const abandoned = await postgresRepeatLog.takeAbandoned(
        tx,
        before,
        exceptOwner,
        limit,
      );
      await postgresRepeatLog.fold(tx, abandoned.totals);
      return abandoned.taken;
    });
  }

  private async recordOnPostgres(
    entries: DeviceFetches[],
    log: { owner: string; repeats: RepeatTotal[] },
    events: EventRow[],
  ) {
    await this.db.transaction(async tx => {
      await postgresRepeatLog.append(tx, log.owner, log.repeats);
      // One set-based UPDATE per batch instead of one statement per fetch:
      // the door's throughput is bounded by the statements it runs.
      for (let i = 0; i < entries.length; i += 500) {
        const chunk = entries.slice(i, i + 500);
        await tx.raw(
          `WITH f(f_ref, f_at, f_ip, f_check_at, f_serial, f_n) AS (VALUES ${chunk
            .map(() => '(?, ?::timestamptz, ?, ?::timestamptz, ?, ?::integer)')
            .join(', ')})
          UPDATE ztp_devices SET
            conf_min_state = 'loaded',
            conf_min_loaded_at = f.f_at,
            conf_min_loaded_from = f.f_ip,
            updated_at = f.f_at,
            conf_min_fetch_count = ztp_devices.conf_min_fetch_count + f.f_n,
            header_serial = COALESCE(f.f_serial, ztp_devices.header_serial),
            serial_next_check_at = CASE
              WHEN ztp_devices.serial_state <> 'checked'
                AND ztp_devices.serial_next_check_at IS NULL
              THEN f.f_check_at ELSE ztp_devices.serial_next_check_at END
          FROM f WHERE ztp_devices.entity_ref = f.f_ref`,
          chunk.flatMap(({ last, count }) => [
            last.entityRef,
            last.at,
            last.sourceIp,
            last.checkAt ?? last.at,
            last.headerSerial ?? null,
            count,
          ]),
        );
      }
      for (let i = 0; i < events.length; i += 500) {
        await tx('ztp_events').insert(events.slice(i, i + 500));
      }
    });
  }

  /**
   * SQLite runs on the caller's thread: a prepared statement per row inside
   * one native transaction costs a fraction of building and planning a
   * set-based statement per batch.
   */
  // Kept: 6 µs a fetch against knex's 46 on SQLite (bench/provisioning/store-fast-path.cjs).
  private async recordOnSqlite(
    entries: DeviceFetches[],
    log: { owner: string; repeats: RepeatTotal[] },
    events: EventRow[],
  ) {
    await withSqlite(this.db, sqlite => {
      const update = sqlite.statement(SQLITE_RECORD_FETCH);
      const insertEvent = sqlite.statement(SQLITE_INSERT_EVENT);
      sqlite.immediate(() => {
        sqliteRepeatLog.append(sqlite, log.owner, log.repeats);
        for (const { last, count } of entries) {
          const at = last.at.getTime();
          update.run(
            at,
            last.sourceIp,
            at,
            count,
            last.headerSerial ?? null,
            (last.checkAt ?? last.at).getTime(),
            last.entityRef,
          );
        }
        for (const e of events) runInsertEvent(insertEvent, e);
      });
    });
  }
}
