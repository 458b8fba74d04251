import type { Knex } from 'knex';
import {
  normalizeSoftwareVersion,
  type ZtpDeviceListQuery,
  type ZtpImageApproval,
  type ZtpQueueSummary,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { filteredDevices, SORT_COLUMNS } from './deviceListQuery';
import { declarationColumns, rowToDevice } from './deviceRows';
import { eventRow } from './EventStore';
import type {
  DeclaredDevice,
  DeviceListResult,
  DeviceRecord,
  NewDevice,
  NewEvent,
} from './types';

/** The devices of the queue: their declarations and the states they reached. */
export interface DeviceStore {
  getDevice(entityRef: string): Promise<DeviceRecord | undefined>;
  getDevices(entityRefs: string[]): Promise<DeviceRecord[]>;
  /** Every device in the catalog (not removed), for indexes and sync. */
  listActiveDevices(): Promise<DeviceRecord[]>;
  /**
   * Changes when a device is added or written with a new updated_at: a
   * one-row answer to "has the queue changed since", for periodic reloads.
   */
  changeMark(): Promise<string>;
  /**
   * The devices written at or after `since` (updated_at), those that left
   * the catalog included: what a reload of the queue's changes reads.
   */
  listDevicesChangedSince(since: Date): Promise<DeviceRecord[]>;
  /** The image filter needs the approved images (ztp.images.approved). */
  listDevices(
    query: ZtpDeviceListQuery,
    approvedImages?: readonly ZtpImageApproval[],
  ): Promise<DeviceListResult>;
  summary(): Promise<ZtpQueueSummary>;
  facets(): Promise<{ sites: string[]; platforms: string[] }>;

  /** Declaration hash and expected serial of every device in the queue. */
  listActiveDeclarations(): Promise<
    Map<string, { declarationHash: string; expectedSerial: string }>
  >;
  /**
   * Inserts devices in one transaction (the catalog import); a device that
   * left the catalog and came back keeps its account and history.
   */
  insertDevices(
    entries: { device: NewDevice; event: NewEvent }[],
  ): Promise<void>;
  updateDeclaration(
    device: DeclaredDevice & {
      expectedSerial: string;
      localPasswordHash?: string;
    },
    event: NewEvent,
  ): Promise<void>;
  markRemoved(entityRefs: string[], at: Date): Promise<void>;

  setConfFinal(
    entityRef: string,
    state: { state: DeviceRecord['confFinalState']; error?: string },
    event?: NewEvent,
  ): Promise<void>;
  /** Records the software a device runs (read with its serial check). */
  recordSoftwareVersion(
    entityRef: string,
    software: { version: string; model?: string },
    at?: Date,
  ): Promise<void>;
}

/** {@link DeviceStore} on knex (SQLite and PostgreSQL). */
export class DatabaseDeviceStore implements DeviceStore {
  constructor(private readonly db: Knex) {}

  async getDevice(entityRef: string) {
    const row = await this.db('ztp_devices')
      .where({ entity_ref: entityRef })
      .first();
    return row ? rowToDevice(row) : undefined;
  }

  async getDevices(entityRefs: string[]) {
    if (entityRefs.length === 0) return [];
    const rows: any[] = [];
    // Chunked to stay under SQLite's bound-parameter limit.
    for (let i = 0; i < entityRefs.length; i += 500) {
      rows.push(
        ...(await this.db('ztp_devices').whereIn(
          'entity_ref',
          entityRefs.slice(i, i + 500),
        )),
      );
    }
    return rows.map(rowToDevice);
  }

  async listActiveDeclarations() {
    const rows = await this.db('ztp_devices')
      .where({ in_catalog: true })
      .select('entity_ref', 'declaration_hash', 'expected_serial');
    return new Map(
      rows.map(r => [
        r.entity_ref as string,
        {
          declarationHash: r.declaration_hash as string,
          expectedSerial: r.expected_serial as string,
        },
      ]),
    );
  }

  async changeMark() {
    const [row] = await this.db('ztp_devices')
      .count({ n: '*' })
      .max({ m: 'updated_at' });
    const last = row?.m instanceof Date ? row.m.getTime() : row?.m;
    return `${row?.n ?? 0}:${last ?? ''}`;
  }

  async listDevicesChangedSince(since: Date) {
    const rows = await this.db('ztp_devices').where('updated_at', '>=', since);
    return rows.map(rowToDevice);
  }

  async listActiveDevices() {
    const rows = await this.db('ztp_devices').where({ in_catalog: true });
    return rows.map(rowToDevice);
  }

  async listDevices(
    query: ZtpDeviceListQuery,
    approvedImages: readonly ZtpImageApproval[] = [],
  ): Promise<DeviceListResult> {
    const [{ count }] = await filteredDevices(
      this.db,
      query,
      approvedImages,
    ).count({ count: '*' });
    const column = SORT_COLUMNS[query.orderBy ?? 'name'] ?? 'name';
    const rows = await filteredDevices(this.db, query, approvedImages)
      .orderBy([
        { column, order: query.order ?? 'asc' },
        { column: 'entity_ref', order: 'asc' },
      ])
      .offset(query.offset ?? 0)
      .limit(query.limit ?? 50);
    return { devices: rows.map(rowToDevice), totalCount: Number(count) };
  }

  async summary(): Promise<ZtpQueueSummary> {
    const row: any = await this.db('ztp_devices')
      .where({ in_catalog: true })
      .select(
        this.db.raw('COUNT(*) as total'),
        this.db.raw(
          `SUM(CASE WHEN conf_min_state = 'loaded' THEN 1 ELSE 0 END) as loaded`,
        ),
        this.db.raw(
          `SUM(CASE WHEN serial_state = 'mismatch' THEN 1 ELSE 0 END) as mismatched`,
        ),
        this.db.raw(
          `SUM(CASE WHEN serial_state = 'checked' THEN 1 ELSE 0 END) as checked`,
        ),
        this.db.raw(
          `SUM(CASE WHEN conf_final_state = 'pushed' THEN 1 ELSE 0 END) as pushed`,
        ),
      )
      .first();
    return {
      total: Number(row?.total ?? 0),
      loaded: Number(row?.loaded ?? 0),
      mismatched: Number(row?.mismatched ?? 0),
      checked: Number(row?.checked ?? 0),
      pushed: Number(row?.pushed ?? 0),
    };
  }

  async facets() {
    const sites = await this.db('ztp_devices')
      .where({ in_catalog: true })
      .whereNotNull('site')
      .distinct('site')
      .orderBy('site');
    const platforms = await this.db('ztp_devices')
      .where({ in_catalog: true })
      .distinct('platform')
      .orderBy('platform');
    return {
      sites: sites.map(r => r.site as string),
      platforms: platforms.map(r => r.platform as string),
    };
  }

  async insertDevices(entries: { device: NewDevice; event: NewEvent }[]) {
    if (!entries.length) return;
    // One transaction for a whole batch: importing a large fleet costs a
    // few hundred commits, not one per device.
    await this.db.transaction(async tx => {
      const refs = entries.map(e => e.device.entityRef);
      const existing = new Set<string>();
      for (let i = 0; i < refs.length; i += 500) {
        const rows = await tx('ztp_devices')
          .whereIn('entity_ref', refs.slice(i, i + 500))
          .select('entity_ref');
        rows.forEach(r => existing.add(r.entity_ref));
      }
      const inserts = [];
      const events = [];
      for (const { device, event } of entries) {
        const now = event.at ?? new Date();
        if (existing.has(device.entityRef)) {
          // A device that left the catalog and came back keeps its account
          // and history.
          await tx('ztp_devices')
            .where({ entity_ref: device.entityRef })
            .update({
              ...declarationColumns(device),
              expected_serial: device.expectedSerial,
              in_catalog: true,
              removed_at: null,
              updated_at: now,
            });
        } else {
          inserts.push({
            entity_ref: device.entityRef,
            ...declarationColumns(device),
            expected_serial: device.expectedSerial,
            local_username: device.localUsername,
            local_password_enc: device.localPasswordEnc,
            local_password_hash: device.localPasswordHash,
            created_at: now,
            updated_at: now,
          });
        }
        events.push(eventRow({ ...event, at: now }));
      }
      // Chunks keep each statement under SQLite's bound-parameter limit.
      for (let i = 0; i < inserts.length; i += 40) {
        await tx('ztp_devices').insert(inserts.slice(i, i + 40));
      }
      for (let i = 0; i < events.length; i += 100) {
        await tx('ztp_events').insert(events.slice(i, i + 100));
      }
    });
  }

  async updateDeclaration(
    device: DeclaredDevice & {
      expectedSerial: string;
      localPasswordHash?: string;
    },
    event: NewEvent,
  ) {
    const now = event.at ?? new Date();
    await this.db.transaction(async tx => {
      const before = await tx('ztp_devices')
        .where({ entity_ref: device.entityRef })
        .first();
      const serialChanged =
        before && before.expected_serial !== device.expectedSerial;
      await tx('ztp_devices')
        .where({ entity_ref: device.entityRef })
        .update({
          ...declarationColumns(device),
          expected_serial: device.expectedSerial,
          ...(device.localPasswordHash
            ? { local_password_hash: device.localPasswordHash }
            : {}),
          in_catalog: true,
          removed_at: null,
          updated_at: now,
          // A new expected serial makes the last verdict stale.
          ...(serialChanged && before.conf_min_state === 'loaded'
            ? {
                serial_state: 'not-checked',
                serial_reason: null,
                serial_attempts: 0,
                serial_next_check_at: now,
              }
            : {}),
        });
      await tx('ztp_events').insert(eventRow({ ...event, at: now }));
    });
  }

  async markRemoved(entityRefs: string[], at: Date) {
    if (!entityRefs.length) return;
    await this.db.transaction(async tx => {
      for (let i = 0; i < entityRefs.length; i += 500) {
        const chunk = entityRefs.slice(i, i + 500);
        await tx('ztp_devices').whereIn('entity_ref', chunk).update({
          in_catalog: false,
          removed_at: at,
          updated_at: at,
          serial_next_check_at: null,
        });
        await tx('ztp_events').insert(
          chunk.map(entityRef =>
            eventRow({
              entityRef,
              at,
              type: 'device.removed',
              actor: 'system',
              message:
                'The device left the catalog; it leaves the ZTP queue and its history is kept',
            }),
          ),
        );
      }
    });
  }

  async setConfFinal(
    entityRef: string,
    state: { state: DeviceRecord['confFinalState']; error?: string },
    event?: NewEvent,
  ) {
    const now = event?.at ?? new Date();
    await this.db.transaction(async tx => {
      await tx('ztp_devices')
        .where({ entity_ref: entityRef })
        .update({
          conf_final_state: state.state,
          conf_final_error: state.error ?? null,
          ...(state.state === 'pushed' ? { conf_final_pushed_at: now } : {}),
          updated_at: now,
        });
      if (event) await tx('ztp_events').insert(eventRow({ ...event, at: now }));
    });
  }

  async recordSoftwareVersion(
    entityRef: string,
    software: { version: string; model?: string },
    at = new Date(),
  ) {
    await this.db('ztp_devices')
      .where({ entity_ref: entityRef })
      .update({
        running_version: software.version.slice(0, 64),
        running_version_normalized: normalizeSoftwareVersion(
          software.version.slice(0, 64),
        ),
        device_model: software.model?.slice(0, 64) ?? null,
        version_read_at: at,
        updated_at: at,
      });
  }
}
