import type { Knex } from 'knex';
import { toDate } from './rows';
import type { UnknownDeviceRecord } from './types';

/** One address and identifier the door did not recognise, counted. */
export type UnknownDeviceProbe = {
  sourceIp: string;
  identifier: string;
  at: Date;
  count: number;
};

/** The requests from devices the queue does not know, counted per address and identifier. */
export interface UnknownDeviceStore {
  recordUnknownDevices(probes: UnknownDeviceProbe[]): Promise<void>;
  /** The most recently seen first. */
  listUnknownDevices(limit: number): Promise<UnknownDeviceRecord[]>;
  /** Forgets those last seen before the date; returns how many. */
  pruneUnknownDevices(before: Date): Promise<number>;
}

/** {@link UnknownDeviceStore} on knex (SQLite and PostgreSQL). */
export class DatabaseUnknownDeviceStore implements UnknownDeviceStore {
  constructor(private readonly db: Knex) {}

  async recordUnknownDevices(probes: UnknownDeviceProbe[]) {
    if (!probes.length) return;
    await this.db.transaction(async tx => {
      for (const p of probes) {
        await tx('ztp_unknown_devices')
          .insert({
            source_ip: p.sourceIp,
            identifier: p.identifier,
            count: p.count,
            first_seen: p.at,
            last_seen: p.at,
          })
          .onConflict(['source_ip', 'identifier'])
          .merge({
            count: tx.raw('ztp_unknown_devices.count + ?', [p.count]),
            last_seen: p.at,
          });
      }
    });
  }

  async listUnknownDevices(limit: number): Promise<UnknownDeviceRecord[]> {
    const rows = await this.db('ztp_unknown_devices')
      .orderBy('last_seen', 'desc')
      .limit(limit);
    return rows.map(r => ({
      sourceIp: r.source_ip,
      identifier: r.identifier,
      count: Number(r.count),
      firstSeen: toDate(r.first_seen)!,
      lastSeen: toDate(r.last_seen)!,
    }));
  }

  async pruneUnknownDevices(before: Date) {
    return Number(
      await this.db('ztp_unknown_devices')
        .where('last_seen', '<', before)
        .delete(),
    );
  }
}
