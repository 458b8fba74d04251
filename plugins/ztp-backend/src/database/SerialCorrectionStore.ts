import type { Knex } from 'knex';
import { eventRow } from './EventStore';
import { opt, toDate } from './rows';
import { isSqlite } from './sqliteFastPath';
import type { NewEvent, SerialCorrection } from './types';

/** The expected serials operators (or replacements) corrected. */
export interface SerialCorrectionStore {
  /**
   * Sets the expected serial to correction.serial if it still is
   * `replacing` (compare-and-set), makes the last verdict stale and
   * schedules a check. False when another correction came first.
   */
  saveSerialCorrection(
    correction: SerialCorrection,
    replacing: string,
    event: NewEvent,
  ): Promise<boolean>;
  listSerialCorrections(): Promise<SerialCorrection[]>;
}

/** {@link SerialCorrectionStore} on knex (SQLite and PostgreSQL). */
export class DatabaseSerialCorrectionStore implements SerialCorrectionStore {
  constructor(private readonly db: Knex) {}

  async saveSerialCorrection(
    correction: SerialCorrection,
    replacing: string,
    event: NewEvent,
  ) {
    const now = event.at ?? new Date();
    return this.db.transaction(async tx => {
      // The compare-and-set: of two corrections of one value, one wins.
      const changed = await tx('ztp_devices')
        .where({
          entity_ref: correction.entityRef,
          expected_serial: replacing,
        })
        .update({
          expected_serial: correction.serial,
          serial_temporary: false,
          updated_at: now,
          // The last verdict was about the old value: checked again now.
          serial_state: 'not-checked',
          serial_reason: null,
          serial_attempts: 0,
          serial_next_check_at: isSqlite(tx)
            ? tx.raw(
                `CASE WHEN conf_min_state = 'loaded' THEN ? ELSE NULL END`,
                [now.getTime()],
              )
            : tx.raw(
                `CASE WHEN conf_min_state = 'loaded' THEN ?::timestamptz ELSE NULL END`,
                [now],
              ),
        });
      if (!changed) return false;
      await tx('ztp_serial_corrections')
        .insert({
          entity_ref: correction.entityRef,
          serial: correction.serial,
          previous_serial: correction.previousSerial,
          corrected_by: correction.correctedBy,
          corrected_at: correction.correctedAt,
        })
        .onConflict('entity_ref')
        .merge();
      await tx('ztp_events').insert(eventRow({ ...event, at: now }));
      return true;
    });
  }

  async listSerialCorrections() {
    const rows = await this.db('ztp_serial_corrections').orderBy('entity_ref');
    return rows.map(r => ({
      entityRef: r.entity_ref,
      serial: r.serial,
      previousSerial: r.previous_serial,
      correctedBy: r.corrected_by,
      correctedAt: toDate(r.corrected_at)!,
      macAddress: opt(r.mac_address),
      previousMacAddress: opt(r.previous_mac_address),
    }));
  }
}
