import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import {
  DatabaseBulkPushJobStore,
  type BulkPushJobStore,
} from './BulkPushJobStore';
import { DeclarationProblemStore } from './DeclarationProblemStore';
import { ReplacementStore } from '../replacement/ReplacementStore';
import { restrictSqliteFiles } from './sqliteFileMode';
import { SecretsKeyStore } from './SecretsKeyStore';
import { isSqlite, SqliteStatement, withSqlite } from './sqliteFastPath';
import {
  normalizeSoftwareVersion,
  type ZtpDeviceListQuery,
  type ZtpImageApproval,
  type ZtpQueueSummary,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { imageStateCondition } from './imageStateSql';
import {
  ConfMinFetch,
  DeclaredDevice,
  DeviceListResult,
  DeviceRecord,
  EventRecord,
  NewDevice,
  NewEvent,
  SerialCheckClaimOptions,
  SerialCheckCompletion,
  SerialCheckOutcome,
  SerialCorrection,
  UnknownDeviceRecord,
  ZtpStore,
} from './types';

const migrationsDir = resolvePackagePath(
  '@ztp-portal/backstage-plugin-ztp-backend',
  'migrations',
);

const SORT_COLUMNS: Record<string, string> = {
  name: 'name',
  site: 'site',
  platform: 'platform',
  managementIp: 'management_ip',
  updatedAt: 'updated_at',
};

/** Dates come back as Date (pg), number or string (SQLite). */
function toDate(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const s = String(value);
  return /^\d+$/.test(s) ? new Date(Number(s)) : new Date(s);
}

const opt = <T>(v: T | null | undefined): T | undefined =>
  v === null ? undefined : v;

function rowToDevice(r: any): DeviceRecord {
  return {
    entityRef: r.entity_ref,
    namespace: r.namespace,
    name: r.name,
    title: opt(r.title),
    site: opt(r.site),
    role: opt(r.role),
    platform: r.platform,
    managementAddress: r.management_address,
    managementIp: r.management_ip,
    managementInterface: opt(r.management_interface),
    managementVrf: opt(r.management_vrf),
    defaultGateway: opt(r.default_gateway),
    sshPort: Number(r.ssh_port),
    macAddress: opt(r.mac_address),
    switchPort: opt(r.switch_port),
    hostname: r.hostname,
    serial: r.declared_serial,
    serialTemporary: Boolean(r.serial_temporary),
    declarationHash: r.declaration_hash,
    declaredSerial: r.declared_serial,
    expectedSerial: r.expected_serial,
    inCatalog: Boolean(r.in_catalog),
    localUsername: r.local_username,
    localPasswordEnc: r.local_password_enc,
    localPasswordHash: r.local_password_hash,
    confMinState: r.conf_min_state,
    confMinLoadedAt: toDate(r.conf_min_loaded_at),
    confMinLoadedFrom: opt(r.conf_min_loaded_from),
    confMinFetchCount: Number(r.conf_min_fetch_count),
    serialState: r.serial_state,
    presentedSerial: opt(r.presented_serial),
    headerSerial: opt(r.header_serial),
    serialCheckedAt: toDate(r.serial_checked_at),
    serialReason: opt(r.serial_reason),
    serialAttempts: Number(r.serial_attempts),
    serialNextCheckAt: toDate(r.serial_next_check_at),
    serialLeaseUntil: toDate(r.serial_lease_until),
    hostKeyFingerprint: opt(r.host_key_fingerprint),
    presentedHostKey: opt(r.host_key_presented),
    confFinalState: r.conf_final_state,
    confFinalPushedAt: toDate(r.conf_final_pushed_at),
    confFinalError: opt(r.conf_final_error),
    replacement: r.replacement ? JSON.parse(r.replacement) : undefined,
    replacementState: opt(r.replacement_state),
    runningVersion: opt(r.running_version),
    deviceModel: opt(r.device_model),
    versionReadAt: toDate(r.version_read_at),
    createdAt: toDate(r.created_at)!,
    updatedAt: toDate(r.updated_at)!,
    removedAt: toDate(r.removed_at),
  };
}

function declarationColumns(d: DeclaredDevice) {
  return {
    namespace: d.namespace,
    name: d.name,
    title: d.title ?? null,
    site: d.site ?? null,
    role: d.role ?? null,
    platform: d.platform,
    management_address: d.managementAddress,
    management_ip: d.managementIp,
    management_interface: d.managementInterface ?? null,
    management_vrf: d.managementVrf ?? null,
    default_gateway: d.defaultGateway ?? null,
    ssh_port: d.sshPort,
    mac_address: d.macAddress ?? null,
    switch_port: d.switchPort ?? null,
    hostname: d.hostname,
    declared_serial: d.serial,
    serial_temporary: d.serialTemporary,
    declaration_hash: d.declarationHash,
  };
}

// Statements of the SQLite fast path (see sqliteFastPath.ts).
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

const SQLITE_INSERT_EVENT = `INSERT INTO ztp_events
  (entity_ref, at, type, actor, message, details) VALUES (?, ?, ?, ?, ?, ?)`;

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

function runInsertEvent(
  statement: SqliteStatement,
  e: ReturnType<typeof eventRow>,
) {
  statement.run(
    e.entity_ref,
    e.at.getTime(),
    e.type,
    e.actor,
    e.message,
    e.details,
  );
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

function eventRow(e: NewEvent) {
  return {
    entity_ref: e.entityRef,
    at: e.at ?? new Date(),
    type: e.type,
    actor: e.actor,
    message: e.message,
    details: e.details ? JSON.stringify(e.details) : null,
  };
}

function rowToEvent(r: any): EventRecord {
  return {
    id: Number(r.id),
    entityRef: r.entity_ref,
    at: toDate(r.at)!,
    type: r.type,
    actor: r.actor,
    message: r.message,
    details: r.details ? JSON.parse(r.details) : undefined,
  };
}

/** SQL LIKE pattern for free text, with LIKE's wildcards escaped. */
function likePattern(text: string): string {
  return `%${text
    .toLocaleLowerCase('en-US')
    .replace(/[\\%_]/g, c => `\\${c}`)}%`;
}

/**
 * The hex digits of a search that looks like a MAC address or part of one
 * (hex digits with :, - or . between them, at least four digits), lower
 * case; undefined for any other text.
 */
export function macSearchDigits(text: string): string | undefined {
  const t = text.trim();
  if (!/^[0-9a-f]+(?:[:.-][0-9a-f]+)*$/i.test(t)) return undefined;
  const digits = t.replace(/[:.-]/g, '').toLocaleLowerCase('en-US');
  return digits.length >= 4 && digits.length <= 12 ? digits : undefined;
}

/** The ZTP store on knex: SQLite for the embedded default, PostgreSQL in production. */
export class DatabaseZtpStore implements ZtpStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseZtpStore> {
    const client = await options.database.getClient();
    if (client.client.config.client === 'better-sqlite3') {
      await client.raw('SELECT 1'); // opens (creates) the file
      restrictSqliteFiles(client);
      // Write-ahead log without an fsync per commit: a commit survives the
      // backend being killed (the OS has it), and the provisioning door's
      // group commits stop waiting on the disk.
      await client.raw('PRAGMA journal_mode = WAL');
      await client.raw('PRAGMA synchronous = NORMAL');
    }
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await client.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseZtpStore(client);
  }

  static async migrate(client: Knex): Promise<void> {
    await client.migrate.latest({ directory: migrationsDir });
  }

  constructor(private readonly db: Knex) {}

  /** What the catalog found wrong in declarations, in the same database. */
  declarationProblemStore(): DeclarationProblemStore {
    return new DeclarationProblemStore(this.db);
  }

  /** The encrypted passwords and the key check value, for the secrets key. */
  secretsKeyStore(): SecretsKeyStore {
    return new SecretsKeyStore(this.db);
  }

  /** Bulk pushes, in the same database. */
  bulkPushJobStore(): BulkPushJobStore {
    return new DatabaseBulkPushJobStore(this.db);
  }

  /** Replacements, re-provisions and replacement lists, in the same database. */
  replacementStore(): ReplacementStore {
    return new ReplacementStore(this.db);
  }

  /**
   * Copies SQLite's write-ahead log into the database file without waiting
   * for, or holding up, other writers (PASSIVE). No-op on PostgreSQL.
   */
  async checkpoint(): Promise<void> {
    if (isSqlite(this.db)) await this.db.raw('PRAGMA wal_checkpoint(PASSIVE)');
  }

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

  async listActiveDevices() {
    const rows = await this.db('ztp_devices').where({ in_catalog: true });
    return rows.map(rowToDevice);
  }

  private filtered(
    query: ZtpDeviceListQuery,
    approvedImages: readonly ZtpImageApproval[] = [],
  ) {
    const q = this.db('ztp_devices');
    if (query.image) {
      const { sql, bindings } = imageStateCondition(
        query.image,
        approvedImages,
      );
      q.whereRaw(sql, bindings);
    }
    if (!query.includeRemoved) q.where({ in_catalog: true });
    if (query.confMin) q.where({ conf_min_state: query.confMin });
    if (query.serial) q.where({ serial_state: query.serial });
    if (query.confFinal) q.where({ conf_final_state: query.confFinal });
    if (query.site) q.where({ site: query.site });
    if (query.platform) q.where({ platform: query.platform });
    if (query.q) {
      const pattern = likePattern(query.q);
      q.where(inner => {
        for (const col of [
          'name',
          'title',
          'hostname',
          'expected_serial',
          'presented_serial',
          'mac_address',
          'management_ip',
          'site',
        ]) {
          inner.orWhereRaw(`LOWER(COALESCE(${col}, '')) LIKE ? ESCAPE '\\'`, [
            pattern,
          ]);
        }
        // A MAC (or part of one) in any notation: 444c.a8a1.1024,
        // 44-4C-A8-A1-10-24, 44:4c:a8... all match the stored colon form.
        const macDigits = macSearchDigits(query.q!);
        if (macDigits) {
          inner.orWhereRaw(
            `REPLACE(COALESCE(mac_address, ''), ':', '') LIKE ?`,
            [`%${macDigits}%`],
          );
        }
      });
    }
    return q;
  }

  async listDevices(
    query: ZtpDeviceListQuery,
    approvedImages: readonly ZtpImageApproval[] = [],
  ): Promise<DeviceListResult> {
    const [{ count }] = await this.filtered(query, approvedImages).count({
      count: '*',
    });
    const column = SORT_COLUMNS[query.orderBy ?? 'name'] ?? 'name';
    const rows = await this.filtered(query, approvedImages)
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

  async insertDevice(device: NewDevice, event: NewEvent) {
    await this.insertDevices([{ device, event }]);
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

  async recordFetches(fetches: ConfMinFetch[]) {
    if (!fetches.length) return;
    // One device may fetch twice in a batch: count both, keep the latest.
    const perDevice = new Map<string, { last: ConfMinFetch; count: number }>();
    for (const f of fetches) {
      const seen = perDevice.get(f.entityRef);
      perDevice.set(f.entityRef, { last: f, count: (seen?.count ?? 0) + 1 });
    }
    const entries = [...perDevice.values()];
    const events = fetchEvents(fetches);
    if (isSqlite(this.db)) {
      await this.recordFetchesSqlite(entries, events);
      return;
    }
    await this.db.transaction(async tx => {
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
  private async recordFetchesSqlite(
    entries: { last: ConfMinFetch; count: number }[],
    events: ReturnType<typeof eventRow>[],
  ) {
    await withSqlite(this.db, sqlite => {
      const update = sqlite.statement(SQLITE_RECORD_FETCH);
      const insertEvent = sqlite.statement(SQLITE_INSERT_EVENT);
      sqlite.immediate(() => {
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

  async claimSerialCheck(
    entityRef: string,
    owner: string,
    now: Date,
    leaseUntil: Date,
    options?: SerialCheckClaimOptions,
  ) {
    const [device] = await this.claimSerialChecks(
      [entityRef],
      owner,
      now,
      leaseUntil,
      options,
    );
    return device;
  }

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
    // finds the device no longer due. On SQLite all of a batch in one
    // transaction.
    if (isSqlite(this.db)) {
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
    // On PostgreSQL each claim is a statement of its own: a statement that
    // locks several rows could deadlock with the device door's batch
    // update, which locks rows in an order of the planner's choosing.
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

  async completeSerialCheck(
    entityRef: string,
    owner: string,
    outcome: SerialCheckOutcome,
    event?: NewEvent,
  ) {
    await this.completeSerialChecks([{ entityRef, owner, outcome, event }]);
  }

  async completeSerialChecks(completions: readonly SerialCheckCompletion[]) {
    if (!completions.length) return;
    const at = (c: SerialCheckCompletion) => c.event?.at ?? new Date();
    const concluded = (c: SerialCheckCompletion) =>
      c.outcome.state !== 'not-checked';
    if (isSqlite(this.db)) {
      await withSqlite(this.db, sqlite => {
        const update = sqlite.statement(SQLITE_COMPLETE_SERIAL_CHECK);
        const release = sqlite.statement(SQLITE_RELEASE_SERIAL_CHECK);
        const insertEvent = sqlite.statement(SQLITE_INSERT_EVENT);
        sqlite.immediate(() => {
          for (const c of completions) {
            const now = at(c);
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
      return;
    }
    // On PostgreSQL each completion is a transaction of its own, for the
    // same reason as claims: no transaction holding several devices' rows.
    const write = async (tx: Knex, c: SerialCheckCompletion) => {
      const now = at(c);
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

  async scheduleSerialCheck(entityRef: string, at: Date) {
    await this.db('ztp_devices')
      .where({ entity_ref: entityRef })
      .update({ serial_next_check_at: at });
  }

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

  async addEvent(event: NewEvent) {
    await this.db('ztp_events').insert(eventRow(event));
  }

  async listEvents(entityRef: string, limit: number) {
    const rows = await this.db('ztp_events')
      .where({ entity_ref: entityRef })
      .orderBy('id', 'desc')
      .limit(limit);
    return rows.map(rowToEvent);
  }

  async lastEvents(entityRefs: string[]) {
    const result = new Map<string, EventRecord>();
    for (let i = 0; i < entityRefs.length; i += 500) {
      const chunk = entityRefs.slice(i, i + 500);
      const latest = this.db('ztp_events')
        .select('entity_ref')
        .max({ id: 'id' })
        .whereIn('entity_ref', chunk)
        .groupBy('entity_ref');
      const rows = await this.db('ztp_events').whereIn(
        'id',
        this.db.from(latest.as('latest')).select('id'),
      );
      for (const r of rows) result.set(r.entity_ref, rowToEvent(r));
    }
    return result;
  }

  async pruneEvents(before: Date) {
    return Number(
      await this.db('ztp_events').where('at', '<', before).delete(),
    );
  }

  async recordUnknownDevices(
    probes: { sourceIp: string; identifier: string; at: Date; count: number }[],
  ) {
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
