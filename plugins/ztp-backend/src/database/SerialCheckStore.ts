import type { Knex } from 'knex';
import { rowToDevice } from './deviceRows';
import { eventRow, runInsertEvent, SQLITE_INSERT_EVENT } from './EventStore';
import { isSqlite, withSqlite } from './sqliteFastPath';
import type {
  DeviceRecord,
  NewEvent,
  SerialCheckClaimOptions,
  SerialCheckCompletion,
} from './types';

/**
 * The serial checks' leases and verdicts, and the host key a check pins.
 * Several workers (and replicas) check devices; a lease makes one of them
 * the owner of a device's check.
 */
export interface SerialCheckStore {
  /**
   * Takes the right to check each device's serial until leaseUntil and
   * returns the devices as claimed, in order; undefined for a device another
   * worker (or replica) holds. One conditional statement per device.
   */
  claimSerialChecks(
    entityRefs: readonly string[],
    owner: string,
    now: Date,
    leaseUntil: Date,
    options?: SerialCheckClaimOptions,
  ): Promise<(DeviceRecord | undefined)[]>;
  /** Devices that are Loaded, not Checked, and due for a (re)check. */
  listDueSerialChecks(now: Date, limit: number): Promise<string[]>;
  /** Writes the verdicts of claimed checks (a lost lease writes nothing). */
  completeSerialChecks(
    completions: readonly SerialCheckCompletion[],
  ): Promise<void>;
  /**
   * Ends a claimed check that did not log in: the lease and any retry are
   * cleared, the serial state is kept, and the event (if any) is written.
   */
  releaseSerialCheck(
    entityRef: string,
    owner: string,
    event?: NewEvent,
  ): Promise<void>;
  /**
   * Pins the host key the device presented at its last check, if it still
   * is `presented` (compare-and-set), and schedules a check. False when the
   * device presented another key meanwhile, or none is waiting.
   */
  acceptHostKey(
    entityRef: string,
    presented: string,
    event: NewEvent,
  ): Promise<boolean>;
  /**
   * Keeps the host key a device presented instead of the pinned one (seen
   * outside a serial check: by a push) for an operator to accept.
   */
  recordPresentedHostKey(entityRef: string, presented: string): Promise<void>;
}

// The SQLite fast path's statements (see claimSerialChecks and
// completeSerialChecks; their knex twins below serve PostgreSQL).
const SQLITE_CLAIM_SERIAL_CHECK = `UPDATE ztp_devices
SET serial_lease_until = ?, serial_lease_owner = ?
WHERE entity_ref = ? AND in_catalog = 1
  AND (serial_lease_until IS NULL OR serial_lease_until < ?)
RETURNING *`;

// The claim of an automatic check: the lease, and the device still due.
const SQLITE_CLAIM_DUE_SERIAL_CHECK = `UPDATE ztp_devices
SET serial_lease_until = ?, serial_lease_owner = ?
WHERE entity_ref = ? AND in_catalog = 1
  AND (serial_lease_until IS NULL OR serial_lease_until < ?)
  AND conf_min_state = 'loaded' AND serial_state <> 'checked'
  AND serial_next_check_at IS NOT NULL AND serial_next_check_at <= ?
RETURNING *`;

const SQLITE_COMPLETE_SERIAL_CHECK = `UPDATE ztp_devices SET
  serial_state = ?,
  serial_reason = ?,
  serial_checked_at = ?,
  serial_attempts = CASE WHEN ? = 1 THEN 0 ELSE serial_attempts + 1 END,
  serial_next_check_at = ?,
  serial_lease_until = NULL,
  serial_lease_owner = NULL,
  updated_at = ?,
  presented_serial = CASE WHEN ? = 1 THEN ? ELSE presented_serial END,
  host_key_fingerprint = COALESCE(?, host_key_fingerprint),
  host_key_presented = CASE WHEN ? IS NOT NULL THEN ?
    WHEN ? IS NOT NULL THEN NULL ELSE host_key_presented END
WHERE entity_ref = ? AND (serial_lease_owner = ? OR serial_lease_owner IS NULL)
  AND (? IS NULL OR expected_serial = ?)`;

// A check whose verdict is stale (the expected serial was corrected while it
// ran) only gives its lease back.
const SQLITE_RELEASE_SERIAL_CHECK = `UPDATE ztp_devices
SET serial_lease_until = NULL, serial_lease_owner = NULL
WHERE entity_ref = ? AND serial_lease_owner = ?`;

const completedAt = (c: SerialCheckCompletion) => c.event?.at ?? new Date();
const concluded = (c: SerialCheckCompletion) =>
  c.outcome.state !== 'not-checked';

/** {@link SerialCheckStore} on knex (PostgreSQL) and better-sqlite3 (SQLite). */
export class DatabaseSerialCheckStore implements SerialCheckStore {
  constructor(private readonly db: Knex) {}

  async claimSerialChecks(
    entityRefs: readonly string[],
    owner: string,
    now: Date,
    leaseUntil: Date,
    options?: SerialCheckClaimOptions,
  ) {
    if (!entityRefs.length) return [];
    const onlyIfDue = options?.onlyIfDue ?? false;
    // One conditional UPDATE per device: atomic on SQLite and PostgreSQL
    // alike, so two replicas never check the same device for the same
    // trigger, and a trigger that was queued while another check concluded
    // finds the device no longer due.
    return isSqlite(this.db)
      ? this.claimOnSqlite(entityRefs, owner, now, leaseUntil, onlyIfDue)
      : this.claimOnKnex(entityRefs, owner, now, leaseUntil, onlyIfDue);
  }

  // Kept: 9 µs a claim against knex's 74 on SQLite (bench/provisioning/store-fast-path.cjs).
  private claimOnSqlite(
    entityRefs: readonly string[],
    owner: string,
    now: Date,
    leaseUntil: Date,
    onlyIfDue: boolean,
  ) {
    return withSqlite(this.db, sqlite => {
      const claim = sqlite.statement(
        onlyIfDue ? SQLITE_CLAIM_DUE_SERIAL_CHECK : SQLITE_CLAIM_SERIAL_CHECK,
      );
      const rows: unknown[] = [];
      sqlite.immediate(() => {
        for (const ref of entityRefs) {
          const args = [leaseUntil.getTime(), owner, ref, now.getTime()];
          if (onlyIfDue) args.push(now.getTime());
          rows.push(claim.get(...args));
        }
      });
      return rows.map(row => (row ? rowToDevice(row) : undefined));
    });
  }

  /**
   * Each claim a statement of its own: on PostgreSQL a statement that
   * locks several rows could deadlock with the device door's batch update,
   * which locks rows in an order of the planner's choosing.
   */
  private claimOnKnex(
    entityRefs: readonly string[],
    owner: string,
    now: Date,
    leaseUntil: Date,
    onlyIfDue: boolean,
  ) {
    return Promise.all(
      entityRefs.map(async ref => {
        const claim = this.db('ztp_devices')
          .where({ entity_ref: ref, in_catalog: true })
          .where(q =>
            q
              .whereNull('serial_lease_until')
              .orWhere('serial_lease_until', '<', now),
          );
        if (onlyIfDue) {
          claim
            .where({ conf_min_state: 'loaded' })
            .whereNot({ serial_state: 'checked' })
            .whereNotNull('serial_next_check_at')
            .where('serial_next_check_at', '<=', now);
        }
        const [row] = await claim
          .update({
            serial_lease_until: leaseUntil,
            serial_lease_owner: owner,
          })
          .returning('*');
        return row ? rowToDevice(row) : undefined;
      }),
    );
  }

  async listDueSerialChecks(now: Date, limit: number) {
    const rows = await this.db('ztp_devices')
      .select('entity_ref')
      .where({ in_catalog: true, conf_min_state: 'loaded' })
      .whereNot({ serial_state: 'checked' })
      // Provisioned devices are never logged in to again (no bootstrap account).
      .whereNot({ conf_final_state: 'pushed' })
      .whereNotNull('serial_next_check_at')
      .where('serial_next_check_at', '<=', now)
      .where(q =>
        q
          .whereNull('serial_lease_until')
          .orWhere('serial_lease_until', '<', now),
      )
      .orderBy('serial_next_check_at')
      .limit(limit);
    return rows.map(r => r.entity_ref as string);
  }

  async completeSerialChecks(completions: readonly SerialCheckCompletion[]) {
    if (!completions.length) return;
    await (isSqlite(this.db)
      ? this.completeOnSqlite(completions)
      : this.completeOnKnex(completions));
  }

  // Kept: claim and verdict 18 µs a device against knex's 489 on SQLite (store-fast-path.cjs).
  private async completeOnSqlite(
    completions: readonly SerialCheckCompletion[],
  ) {
    await withSqlite(this.db, sqlite => {
      const update = sqlite.statement(SQLITE_COMPLETE_SERIAL_CHECK);
      const release = sqlite.statement(SQLITE_RELEASE_SERIAL_CHECK);
      const insertEvent = sqlite.statement(SQLITE_INSERT_EVENT);
      sqlite.immediate(() => {
        for (const c of completions) {
          const now = completedAt(c);
          const { outcome } = c;
          const comparedWith = outcome.comparedWith ?? null;
          const { changes } = update.run(
            outcome.state,
            outcome.reason ?? null,
            now.getTime(),
            concluded(c) ? 1 : 0,
            concluded(c) ? null : outcome.nextCheckAt?.getTime() ?? null,
            now.getTime(),
            outcome.presentedSerial === undefined ? 0 : 1,
            outcome.presentedSerial ?? null,
            outcome.hostKeyFingerprint || null,
            outcome.presentedHostKey || null,
            outcome.presentedHostKey || null,
            outcome.hostKeyFingerprint || null,
            c.entityRef,
            c.owner,
            comparedWith,
            comparedWith,
          );
          if (!changes) {
            release.run(c.entityRef, c.owner);
            continue;
          }
          if (c.event) {
            runInsertEvent(insertEvent, eventRow({ ...c.event, at: now }));
          }
        }
      });
    });
  }

  /**
   * Each completion a transaction of its own, for the same reason as
   * claims: no transaction holding several devices' rows.
   */
  private async completeOnKnex(completions: readonly SerialCheckCompletion[]) {
    const write = async (tx: Knex, c: SerialCheckCompletion) => {
      const now = completedAt(c);
      const { outcome } = c;
      const update: Record<string, unknown> = {
        serial_state: outcome.state,
        serial_reason: outcome.reason ?? null,
        serial_checked_at: now,
        serial_attempts: concluded(c) ? 0 : tx.raw('serial_attempts + 1'),
        serial_next_check_at: concluded(c) ? null : outcome.nextCheckAt ?? null,
        serial_lease_until: null,
        serial_lease_owner: null,
        updated_at: now,
      };
      if (outcome.presentedSerial !== undefined) {
        update.presented_serial = outcome.presentedSerial;
      }
      if (outcome.hostKeyFingerprint) {
        update.host_key_fingerprint = outcome.hostKeyFingerprint;
        update.host_key_presented = null;
      }
      if (outcome.presentedHostKey) {
        update.host_key_presented = outcome.presentedHostKey;
      }
      const changed = await tx('ztp_devices')
        .where({ entity_ref: c.entityRef })
        .where(q =>
          q
            .where({ serial_lease_owner: c.owner })
            .orWhereNull('serial_lease_owner'),
        )
        .modify(q => {
          if (outcome.comparedWith !== undefined) {
            q.where({ expected_serial: outcome.comparedWith });
          }
        })
        .update(update);
      if (!changed) {
        await tx('ztp_devices')
          .where({ entity_ref: c.entityRef, serial_lease_owner: c.owner })
          .update({ serial_lease_until: null, serial_lease_owner: null });
        return;
      }
      if (c.event)
        await tx('ztp_events').insert(eventRow({ ...c.event, at: now }));
    };
    await Promise.all(
      completions.map(c =>
        // A retry that only counts an attempt is one statement.
        c.event ? this.db.transaction(tx => write(tx, c)) : write(this.db, c),
      ),
    );
  }

  async releaseSerialCheck(entityRef: string, owner: string, event?: NewEvent) {
    await this.db.transaction(async tx => {
      await tx('ztp_devices')
        .where({ entity_ref: entityRef })
        .where(q =>
          q
            .where({ serial_lease_owner: owner })
            .orWhereNull('serial_lease_owner'),
        )
        .update({
          serial_lease_until: null,
          serial_lease_owner: null,
          serial_next_check_at: null,
        });
      if (event) await tx('ztp_events').insert(eventRow(event));
    });
  }

  async recordPresentedHostKey(entityRef: string, presented: string) {
    await this.db('ztp_devices')
      .where({ entity_ref: entityRef })
      .whereNotNull('host_key_fingerprint')
      .whereNot({ host_key_fingerprint: presented })
      .update({ host_key_presented: presented });
  }

  async acceptHostKey(entityRef: string, presented: string, event: NewEvent) {
    const now = event.at ?? new Date();
    return this.db.transaction(async tx => {
      const changed = await tx('ztp_devices')
        .where({ entity_ref: entityRef, host_key_presented: presented })
        .update({
          host_key_fingerprint: presented,
          host_key_presented: null,
          serial_state: 'not-checked',
          serial_reason: null,
          serial_attempts: 0,
          serial_next_check_at: now,
          updated_at: now,
        });
      if (!changed) return false;
      await tx('ztp_events').insert(eventRow({ ...event, at: now }));
      return true;
    });
  }
}
