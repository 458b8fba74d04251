import type { Knex } from 'knex';
import type { ZtpReplacementMarker } from '@ztp-portal/backstage-plugin-ztp-common';
import type { NewEvent, SerialCorrection } from '../database/types';

/** What a replacement or re-provision writes on the device's row. */
export type DeviceReset = {
  entityRef: string;
  localUsername: string;
  localPasswordEnc: string;
  localPasswordHash: string;
  marker: ZtpReplacementMarker;
  /** A replacement's new serial (with its catalog overlay row). */
  expectedSerial?: string;
  macAddress?: string;
  correction?: SerialCorrection;
};

function eventRow(e: NewEvent, at: Date) {
  return {
    entity_ref: e.entityRef,
    at,
    type: e.type,
    actor: e.actor,
    message: e.message,
    details: e.details ? JSON.stringify(e.details) : null,
  };
}

/**
 * Replacements and re-provisions in the ZTP database: the device's reset
 * with its marker and the claim of the automatic push (replacement lists
 * are in ReplacementJobStore).
 */
export class ReplacementStore {
  constructor(private readonly db: Knex) {}

  /**
   * Puts the device back to Conf Min Not Loaded with a new account, no
   * pinned host key, no verdicts and the marker, in one transaction with
   * its overlay row and timeline event. False when it left the catalog.
   */
  async reset(reset: DeviceReset, event: NewEvent): Promise<boolean> {
    const now = event.at ?? new Date();
    return this.db.transaction(async tx => {
      const changed = await tx('ztp_devices')
        .where({ entity_ref: reset.entityRef, in_catalog: true })
        .update({
          conf_min_state: 'not-loaded',
          conf_min_loaded_at: null,
          conf_min_loaded_from: null,
          conf_min_fetch_count: 0,
          serial_state: 'not-checked',
          presented_serial: null,
          header_serial: null,
          serial_checked_at: null,
          serial_reason: null,
          serial_attempts: 0,
          serial_next_check_at: null,
          host_key_fingerprint: null,
          host_key_presented: null,
          conf_final_state: 'not-pushed',
          conf_final_pushed_at: null,
          conf_final_error: null,
          local_username: reset.localUsername,
          local_password_enc: reset.localPasswordEnc,
          local_password_hash: reset.localPasswordHash,
          replacement: JSON.stringify(reset.marker),
          replacement_state: 'waiting',
          updated_at: now,
          ...(reset.expectedSerial && {
            expected_serial: reset.expectedSerial,
            serial_temporary: false,
          }),
          ...(reset.macAddress && { mac_address: reset.macAddress }),
        });
      if (!changed) return false;
      const c = reset.correction;
      if (c) {
        await tx('ztp_serial_corrections')
          .insert({
            entity_ref: c.entityRef,
            serial: c.serial,
            previous_serial: c.previousSerial,
            corrected_by: c.correctedBy,
            corrected_at: c.correctedAt,
            mac_address: c.macAddress ?? null,
            previous_mac_address: c.previousMacAddress ?? null,
          })
          .onConflict('entity_ref')
          .merge();
      }
      await tx('ztp_events').insert(eventRow(event, now));
      return true;
    });
  }

  /** Devices carrying a replacement marker. */
  async listMarked(): Promise<string[]> {
    const rows = await this.db('ztp_devices')
      .select('entity_ref')
      .where({ in_catalog: true })
      .whereNotNull('replacement');
    return rows.map(r => r.entity_ref as string);
  }

  /**
   * Takes the automatic push of a Checked replacement (compare-and-set):
   * of several replicas' sweeps, one pushes.
   */
  async claimPush(entityRef: string): Promise<boolean> {
    const changed = await this.db('ztp_devices')
      .where({
        entity_ref: entityRef,
        replacement_state: 'waiting',
        serial_state: 'checked',
        conf_final_state: 'not-pushed',
      })
      .update({ replacement_state: 'pushing' });
    return changed > 0;
  }

  /** The new box's serial is known: the marker stops learning. */
  async serialLearned(entityRef: string): Promise<void> {
    await this.db.transaction(async tx => {
      const row = await tx('ztp_devices')
        .where({ entity_ref: entityRef })
        .first('replacement');
      if (!row?.replacement) return;
      const marker = JSON.parse(row.replacement) as ZtpReplacementMarker;
      await tx('ztp_devices')
        .where({ entity_ref: entityRef })
        .update({
          replacement: JSON.stringify({ ...marker, learnSerial: false }),
        });
    });
  }

  /** After a push: cleared once Provisioned, else left for an operator's push. */
  async settlePush(entityRef: string, pushed: boolean): Promise<void> {
    await this.db('ztp_devices')
      .where({ entity_ref: entityRef, replacement_state: 'pushing' })
      .update(
        pushed
          ? { replacement: null, replacement_state: null }
          : { replacement_state: null },
      );
  }

  /**
   * The device is Provisioned again, by the follow-up's push or an
   * operator's (also after a replica died during its push): the marker has
   * done its job.
   */
  async clearMarker(entityRef: string): Promise<void> {
    await this.db('ztp_devices')
      .where({ entity_ref: entityRef, conf_final_state: 'pushed' })
      .update({ replacement: null, replacement_state: null });
  }

  /** Devices in a state that should move on by itself (see stuck.ts). */
  async listMovingStates(): Promise<string[]> {
    const rows = await this.db('ztp_devices')
      .select('entity_ref')
      .where({ in_catalog: true })
      .where(q =>
        q
          .where({ conf_final_state: 'pushing' })
          .orWhere(inner =>
            inner
              .where({ conf_min_state: 'loaded', serial_state: 'not-checked' })
              .whereNot({ conf_final_state: 'pushed' }),
          ),
      )
      .orderBy('entity_ref')
      .limit(1000);
    return rows.map(r => r.entity_ref as string);
  }
}
