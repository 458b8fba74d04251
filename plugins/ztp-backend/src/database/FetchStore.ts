import type { Knex } from 'knex';
import {
  eventRow,
  runInsertEvent,
  SQLITE_INSERT_EVENT,
  type EventRow,
} from './EventStore';
import { isSqlite, withSqlite } from './sqliteFastPath';
import type { ConfMinFetch } from './types';

/** The minimal configurations the devices fetched. */
export interface FetchStore {
  /**
   * Records Conf Min fetches in one transaction (group commit): state Loaded,
   * time, source address, count, and a timeline event for each.
   */
  recordFetches(fetches: ConfMinFetch[]): Promise<void>;
  /**
   * Folds up to `limit` of the repeated fetches logged by recordFetches
   * into their devices' rows, oldest first, and returns how many it folded.
   * Several doors (replicas) may fold at once: each logged fetch is folded
   * by one of them.
   */
  foldRepeatedFetches(limit: number): Promise<number>;
}

/**
 * A fetch that changes nothing a reader waits for: the same device again
 * from the address of its last timeline event, within the minute (the
 * recorder marks it `timeline: false`), with no serial in its headers. It
 * is logged and folded into the row later; every other fetch updates the
 * row in the same transaction.
 */
const isQuietRepeat = (f: ConfMinFetch) =>
  f.timeline === false && !f.headerSerial && !f.headerSerialMismatch;

type DeviceFetches = { last: ConfMinFetch; count: number };
type LoggedFetch = {
  id: number | string;
  entity_ref: string;
  at: Date | number | string;
  source_ip: string;
  check_at: Date | number | string;
  count: number;
};

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

/** Per device, the latest logged fetch and how many were logged. */
function foldByDevice(rows: LoggedFetch[]) {
  const byDevice = new Map<string, { last: LoggedFetch; count: number }>();
  for (const row of rows) {
    const seen = byDevice.get(row.entity_ref);
    if (!seen) byDevice.set(row.entity_ref, { last: row, count: row.count });
    else {
      seen.count += row.count;
      if (Number(row.id) > Number(seen.last.id)) seen.last = row;
    }
  }
  return [...byDevice.values()];
}

const asMillis = (v: Date | number | string) =>
  v instanceof Date ? v.getTime() : typeof v === 'number' ? v : Date.parse(v);

// The SQLite fast path's statements (see recordOnSqlite and foldOnSqlite).
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

const SQLITE_LOG_REPEATED_FETCH = `INSERT INTO ztp_repeated_fetches
  (entity_ref, at, source_ip, check_at, count) VALUES (?, ?, ?, ?, ?)`;

const SQLITE_TAKE_REPEATED_FETCHES = `DELETE FROM ztp_repeated_fetches
WHERE id IN (SELECT id FROM ztp_repeated_fetches ORDER BY id LIMIT ?)
RETURNING id, entity_ref, at, source_ip, check_at, count`;

// A fold never moves Loaded at/from back past a fetch recorded directly
// meanwhile, and leaves updated_at alone unless the state changes: the
// door's reload watches updated_at, and a repeat changes no state.
const SQLITE_FOLD_REPEATED_FETCH = `UPDATE ztp_devices SET
  updated_at = CASE WHEN conf_min_state = 'loaded' THEN updated_at ELSE ? END,
  conf_min_state = 'loaded',
  conf_min_loaded_from = CASE
    WHEN conf_min_loaded_at IS NULL OR conf_min_loaded_at <= ?
    THEN ? ELSE conf_min_loaded_from END,
  conf_min_loaded_at = MAX(COALESCE(conf_min_loaded_at, 0), ?),
  conf_min_fetch_count = conf_min_fetch_count + ?,
  serial_next_check_at = CASE
    WHEN serial_state <> 'checked' AND serial_next_check_at IS NULL
    THEN ? ELSE serial_next_check_at END
WHERE entity_ref = ?`;

/** {@link FetchStore} on knex (PostgreSQL) and better-sqlite3 (SQLite). */
export class DatabaseFetchStore implements FetchStore {
  constructor(private readonly db: Knex) {}

  async recordFetches(fetches: ConfMinFetch[]) {
    if (!fetches.length) return;
    // One device may fetch twice in a batch: count both, keep the latest.
    const perDevice = new Map<string, DeviceFetches & { quiet: boolean }>();
    for (const f of fetches) {
      const seen = perDevice.get(f.entityRef);
      perDevice.set(f.entityRef, {
        last: f,
        count: (seen?.count ?? 0) + 1,
        quiet: (seen?.quiet ?? true) && isQuietRepeat(f),
      });
    }
    const rows: DeviceFetches[] = [];
    const repeats: DeviceFetches[] = [];
    for (const entry of perDevice.values()) {
      (entry.quiet ? repeats : rows).push(entry);
    }
    const events = fetchEvents(fetches);
    await (isSqlite(this.db)
      ? this.recordOnSqlite(rows, repeats, events)
      : this.recordOnPostgres(rows, repeats, events));
  }

  async foldRepeatedFetches(limit: number) {
    return isSqlite(this.db)
      ? this.foldOnSqlite(limit)
      : this.foldOnPostgres(limit);
  }

  private async foldOnSqlite(limit: number) {
    return withSqlite(this.db, sqlite => {
      const take = sqlite.statement(SQLITE_TAKE_REPEATED_FETCHES);
      const fold = sqlite.statement(SQLITE_FOLD_REPEATED_FETCH);
      let folded = 0;
      // One transaction: the log rows go as their counts arrive.
      sqlite.immediate(() => {
        const taken: LoggedFetch[] = take.all(limit);
        folded = taken.length;
        for (const { last, count } of foldByDevice(taken)) {
          const at = asMillis(last.at);
          fold.run(
            at,
            at,
            last.source_ip,
            at,
            count,
            asMillis(last.check_at),
            last.entity_ref,
          );
        }
      });
      return folded;
    });
  }

  private async foldOnPostgres(limit: number) {
    return this.db.transaction(async tx => {
      // SKIP LOCKED: another replica folding at once takes other rows.
      const taken: LoggedFetch[] = (
        await tx.raw(
          `DELETE FROM ztp_repeated_fetches WHERE id IN (
            SELECT id FROM ztp_repeated_fetches ORDER BY id LIMIT ?
            FOR UPDATE SKIP LOCKED)
          RETURNING id, entity_ref, at, source_ip, check_at, count`,
          [limit],
        )
      ).rows;
      // In entity_ref order, as every writer of several rows should.
      const devices = foldByDevice(taken).sort((a, b) =>
        a.last.entity_ref < b.last.entity_ref ? -1 : 1,
      );
      for (const { last, count } of devices) {
        const at = new Date(asMillis(last.at));
        await tx.raw(
          `UPDATE ztp_devices SET
            updated_at = CASE WHEN conf_min_state = 'loaded'
              THEN updated_at ELSE ?::timestamptz END,
            conf_min_state = 'loaded',
            conf_min_loaded_from = CASE
              WHEN conf_min_loaded_at IS NULL OR conf_min_loaded_at <= ?::timestamptz
              THEN ? ELSE conf_min_loaded_from END,
            conf_min_loaded_at = GREATEST(conf_min_loaded_at, ?::timestamptz),
            conf_min_fetch_count = conf_min_fetch_count + ?::integer,
            serial_next_check_at = CASE
              WHEN serial_state <> 'checked' AND serial_next_check_at IS NULL
              THEN ?::timestamptz ELSE serial_next_check_at END
          WHERE entity_ref = ?`,
          [
            at,
            at,
            last.source_ip,
            at,
            count,
            new Date(asMillis(last.check_at)),
            last.entity_ref,
          ],
        );
      }
      return taken.length;
    });
  }

  private async recordOnPostgres(
    entries: DeviceFetches[],
    repeats: DeviceFetches[],
    events: EventRow[],
  ) {
    await this.db.transaction(async tx => {
      for (let i = 0; i < repeats.length; i += 500) {
        await tx('ztp_repeated_fetches').insert(
          repeats.slice(i, i + 500).map(({ last, count }) => ({
            entity_ref: last.entityRef,
            at: last.at,
            source_ip: last.sourceIp,
            check_at: last.checkAt ?? last.at,
            count,
          })),
        );
      }
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
    repeats: DeviceFetches[],
    events: EventRow[],
  ) {
    await withSqlite(this.db, sqlite => {
      const update = sqlite.statement(SQLITE_RECORD_FETCH);
      const log = sqlite.statement(SQLITE_LOG_REPEATED_FETCH);
      const insertEvent = sqlite.statement(SQLITE_INSERT_EVENT);
      sqlite.immediate(() => {
        for (const { last, count } of repeats) {
          log.run(
            last.entityRef,
            last.at.getTime(),
            last.sourceIp,
            (last.checkAt ?? last.at).getTime(),
            count,
          );
        }
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
