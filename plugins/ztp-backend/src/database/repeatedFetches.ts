import type { Knex } from 'knex';
import type { SqliteFastPath } from './sqliteFastPath';
import type { ConfMinFetch } from './types';

/**
 * A fetch that changes nothing a reader waits for: the same device again
 * from the address of its last timeline event, within the minute (the
 * recorder marks it `timeline: false`), with no serial in its headers. A
 * door that logs repeats appends it to ztp_repeated_fetches and folds it
 * into the device's row later; every other fetch updates the row at once.
 */
const isQuietRepeat = (f: ConfMinFetch) =>
  f.timeline === false && !f.headerSerial && !f.headerSerialMismatch;

/** A device's logged repeats, summed up: how many, and the latest. */
export type RepeatTotal = {
  entityRef: string;
  count: number;
  at: Date;
  sourceIp: string;
  checkAt: Date;
};

/** A device's fetches in one batch: how many, and the latest. */
export type DeviceFetches = { last: ConfMinFetch; count: number };

/**
 * A batch per device: the devices whose row is written now, and, when
 * repeats are logged, the devices whose fetches in the batch all are
 * quiet repeats, summed up for the log.
 */
export function splitBatch(
  fetches: ConfMinFetch[],
  logRepeats: boolean,
): { rows: DeviceFetches[]; repeats: RepeatTotal[] } {
  const perDevice = new Map<string, DeviceFetches & { quiet: boolean }>();
  for (const f of fetches) {
    const seen = perDevice.get(f.entityRef);
    perDevice.set(f.entityRef, {
      last: f,
      count: (seen?.count ?? 0) + 1,
      quiet: logRepeats && (seen?.quiet ?? true) && isQuietRepeat(f),
    });
  }
  const rows: DeviceFetches[] = [];
  const repeats: RepeatTotal[] = [];
  for (const { last, count, quiet } of perDevice.values()) {
    if (!quiet) rows.push({ last, count });
    else {
      repeats.push({
        entityRef: last.entityRef,
        count,
        at: last.at,
        sourceIp: last.sourceIp,
        checkAt: last.checkAt ?? last.at,
      });
    }
  }
  return { rows, repeats };
}

type LoggedRow = {
  id: number | string;
  entity_ref: string;
  at: Date | number | string;
  source_ip: string;
  check_at: Date | number | string;
  count: number;
};

function asMillis(v: Date | number | string): number {
  if (v instanceof Date) return v.getTime();
  // SQLite keeps knex's epoch milliseconds; PostgreSQL returns Dates.
  return typeof v === 'number' ? v : Date.parse(v);
}

/** Logged rows summed up per device, the latest row's address and times. */
function totalsOf(rows: LoggedRow[]): RepeatTotal[] {
  const byDevice = new Map<string, { last: LoggedRow; count: number }>();
  for (const row of rows) {
    const seen = byDevice.get(row.entity_ref);
    if (!seen) byDevice.set(row.entity_ref, { last: row, count: row.count });
    else {
      seen.count += row.count;
      if (Number(row.id) > Number(seen.last.id)) seen.last = row;
    }
  }
  return [...byDevice.values()].map(({ last, count }) => ({
    entityRef: last.entity_ref,
    count,
    at: new Date(asMillis(last.at)),
    sourceIp: last.source_ip,
    checkAt: new Date(asMillis(last.check_at)),
  }));
}

/**
 * The log's INSERT for n rows. A batch's repeats go in as few statements as
 * chunks of 64, 32, … 1 rows make (seven statements prepared per
 * connection): each statement run costs more than its rows (2.2 µs a row
 * in chunks against 3.2 µs a row alone, measured), and a storm logs every
 * fetch.
 */
const sqliteLog = (n: number) =>
  `INSERT INTO ztp_repeated_fetches
  (owner, entity_ref, at, source_ip, check_at, count) VALUES ${Array.from(
    { length: n },
    () => '(?, ?, ?, ?, ?, ?)',
  ).join(', ')}`;
const SQLITE_LOG_CHUNKS = [64, 32, 16, 8, 4, 2, 1].map(n => ({
  n,
  sql: sqliteLog(n),
}));

// A fold never moves Loaded at/from back past a fetch recorded on the row
// meanwhile, and leaves updated_at alone unless the state changes: the
// door's reload watches updated_at, and a repeat changes no state.
const SQLITE_FOLD = `UPDATE ztp_devices SET
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

// The same, set-based: one statement per chunk of devices.
const postgresFold = (
  n: number,
) => `WITH f(f_ref, f_at, f_ip, f_check_at, f_n) AS (VALUES ${Array.from(
  { length: n },
  () => '(?, ?::timestamptz, ?, ?::timestamptz, ?::integer)',
).join(', ')})
UPDATE ztp_devices SET
  updated_at = CASE WHEN ztp_devices.conf_min_state = 'loaded'
    THEN ztp_devices.updated_at ELSE f.f_at END,
  conf_min_state = 'loaded',
  conf_min_loaded_from = CASE
    WHEN ztp_devices.conf_min_loaded_at IS NULL
      OR ztp_devices.conf_min_loaded_at <= f.f_at
    THEN f.f_ip ELSE ztp_devices.conf_min_loaded_from END,
  conf_min_loaded_at = GREATEST(ztp_devices.conf_min_loaded_at, f.f_at),
  conf_min_fetch_count = ztp_devices.conf_min_fetch_count + f.f_n,
  serial_next_check_at = CASE
    WHEN ztp_devices.serial_state <> 'checked'
      AND ztp_devices.serial_next_check_at IS NULL
    THEN f.f_check_at ELSE ztp_devices.serial_next_check_at END
FROM f WHERE ztp_devices.entity_ref = f.f_ref`;

const sqliteFoldArgs = (t: RepeatTotal) => {
  const at = t.at.getTime();
  return [at, at, t.sourceIp, at, t.count, t.checkAt.getTime(), t.entityRef];
};

const SQLITE_TAKE_ABANDONED = `DELETE FROM ztp_repeated_fetches
WHERE id IN (SELECT id FROM ztp_repeated_fetches
  WHERE at < ? AND owner <> ? ORDER BY id LIMIT ?)
RETURNING id, entity_ref, at, source_ip, check_at, count`;

/** The log's statements, on SQLite's fast path inside the caller's transaction. */
export const sqliteRepeatLog = {
  append(sqlite: SqliteFastPath, owner: string, totals: RepeatTotal[]) {
    let i = 0;
    for (const { n, sql } of SQLITE_LOG_CHUNKS) {
      if (totals.length - i < n) continue;
      const log = sqlite.statement(sql);
      const args: unknown[] = new Array(n * 6);
      for (; totals.length - i >= n; i += n) {
        for (let j = 0; j < n; j++) {
          const t = totals[i + j];
          args[j * 6] = owner;
          args[j * 6 + 1] = t.entityRef;
          args[j * 6 + 2] = t.at.getTime();
          args[j * 6 + 3] = t.sourceIp;
          args[j * 6 + 4] = t.checkAt.getTime();
          args[j * 6 + 5] = t.count;
        }
        log.run(...args);
      }
    }
  },
  fold(sqlite: SqliteFastPath, totals: RepeatTotal[]) {
    const fold = sqlite.statement(SQLITE_FOLD);
    for (const t of totals) fold.run(...sqliteFoldArgs(t));
  },
  deleteOwn(sqlite: SqliteFastPath, owner: string) {
    sqlite
      .statement('DELETE FROM ztp_repeated_fetches WHERE owner = ?')
      .run(owner);
  },
  takeAbandoned(
    sqlite: SqliteFastPath,
    before: Date,
    exceptOwner: string,
    limit: number,
  ) {
    const rows: LoggedRow[] = sqlite
      .statement(SQLITE_TAKE_ABANDONED)
      .all(before.getTime(), exceptOwner, limit);
    return { taken: rows.length, totals: totalsOf(rows) };
  },
};

/** The same on PostgreSQL, in the caller's transaction. */
export const postgresRepeatLog = {
  async append(tx: Knex.Transaction, owner: string, totals: RepeatTotal[]) {
    for (let i = 0; i < totals.length; i += 500) {
      await tx('ztp_repeated_fetches').insert(
        totals.slice(i, i + 500).map(t => ({
          owner,
          entity_ref: t.entityRef,
          at: t.at,
          source_ip: t.sourceIp,
          check_at: t.checkAt,
          count: t.count,
        })),
      );
    }
  },
  async fold(tx: Knex.Transaction, totals: RepeatTotal[]) {
    // In entity_ref order, so two folds lock rows in the same order.
    const sorted = [...totals].sort((a, b) =>
      a.entityRef < b.entityRef ? -1 : 1,
    );
    for (let i = 0; i < sorted.length; i += 500) {
      const chunk = sorted.slice(i, i + 500);
      await tx.raw(
        postgresFold(chunk.length),
        chunk.flatMap(t => [t.entityRef, t.at, t.sourceIp, t.checkAt, t.count]),
      );
    }
  },
  async deleteOwn(tx: Knex.Transaction, owner: string) {
    await tx('ztp_repeated_fetches').where({ owner }).delete();
  },
  async takeAbandoned(
    tx: Knex.Transaction,
    before: Date,
    exceptOwner: string,
    limit: number,
  ) {
    // SKIP LOCKED: replicas folding at once take different rows.
    const rows: LoggedRow[] = (
      await tx.raw(
        `DELETE FROM ztp_repeated_fetches WHERE id IN (
          SELECT id FROM ztp_repeated_fetches WHERE at < ? AND owner <> ?
          ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
        RETURNING id, entity_ref, at, source_ip, check_at, count`,
        [before, exceptOwner, limit],
      )
    ).rows;
    return { taken: rows.length, totals: totalsOf(rows) };
  },
};
