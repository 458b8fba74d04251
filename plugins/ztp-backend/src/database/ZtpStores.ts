import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { ReplacementJobStore } from '../replacement/ReplacementJobStore';
import { ReplacementStore } from '../replacement/ReplacementStore';
import {
  DatabaseBulkPushJobStore,
  type BulkPushJobStore,
} from './BulkPushJobStore';
import {
  DatabaseDeclarationProblemStore,
  type DeclarationProblemStore,
} from './DeclarationProblemStore';
import { DatabaseDeviceStore, type DeviceStore } from './DeviceStore';
import { DatabaseEventStore, type EventStore } from './EventStore';
import { DatabaseFetchStore, type FetchStore } from './FetchStore';
import {
  DatabaseSerialCheckStore,
  type SerialCheckStore,
} from './SerialCheckStore';
import {
  DatabaseSerialCorrectionStore,
  type SerialCorrectionStore,
} from './SerialCorrectionStore';
import { SecretsKeyStore } from './SecretsKeyStore';
import { isSqlite } from './sqliteFastPath';
import { restrictSqliteFiles } from './sqliteFileMode';
import {
  DatabaseUnknownDeviceStore,
  type UnknownDeviceStore,
} from './UnknownDeviceStore';

const migrationsDir = resolvePackagePath(
  '@ztp-portal/backstage-plugin-ztp-backend',
  'migrations',
);

/** The plugin's stores, one per aggregate, all in the plugin's database. */
export type ZtpStores = {
  devices: DeviceStore;
  fetches: FetchStore;
  serialChecks: SerialCheckStore;
  serialCorrections: SerialCorrectionStore;
  events: EventStore;
  unknownDevices: UnknownDeviceStore;
  bulkPushJobs: BulkPushJobStore;
  declarationProblems: DeclarationProblemStore;
  /** Replacements and re-provisions. */
  replacements: ReplacementStore;
  /** Replacement lists (CSV) as jobs. */
  replacementJobs: ReplacementJobStore;
  /** The encrypted passwords and the key check value, for the secrets key. */
  secretsKey: SecretsKeyStore;
};

/** The stores on one knex connection (SQLite or PostgreSQL). */
export function ztpStoresOn(db: Knex): ZtpStores {
  return {
    devices: new DatabaseDeviceStore(db),
    fetches: new DatabaseFetchStore(db),
    serialChecks: new DatabaseSerialCheckStore(db),
    serialCorrections: new DatabaseSerialCorrectionStore(db),
    events: new DatabaseEventStore(db),
    unknownDevices: new DatabaseUnknownDeviceStore(db),
    bulkPushJobs: new DatabaseBulkPushJobStore(db),
    declarationProblems: new DatabaseDeclarationProblemStore(db),
    replacements: new ReplacementStore(db),
    replacementJobs: new ReplacementJobStore(db),
    secretsKey: new SecretsKeyStore(db),
  };
}

/** Brings the schema to the latest shipped migration. */
export async function migrateZtpDatabase(db: Knex): Promise<void> {
  await db.migrate.latest({ directory: migrationsDir });
}

/**
 * Opens the plugin's database (migrated unless the service says not to)
 * and its stores.
 */
export async function openZtpStores(options: {
  database: DatabaseService;
  skipMigrations?: boolean;
}): Promise<{
  stores: ZtpStores;
  /**
   * Copies SQLite's write-ahead log into the database file without waiting
   * for, or holding up, other writers (PASSIVE). No-op on PostgreSQL.
   */
  checkpoint(): Promise<void>;
}> {
  const db = await options.database.getClient();
  if (isSqlite(db)) {
    await db.raw('SELECT 1'); // opens (creates) the file
    restrictSqliteFiles(db);
    // Write-ahead log without an fsync per commit: a commit survives the
    // backend being killed (the OS has it), and the provisioning door's
    // group commits stop waiting on the disk.
    await db.raw('PRAGMA journal_mode = WAL');
    await db.raw('PRAGMA synchronous = NORMAL');
  }
  if (!options.database.migrations?.skip && !options.skipMigrations) {
    await migrateZtpDatabase(db);
  }
  return {
    stores: ztpStoresOn(db),
    async checkpoint() {
      if (isSqlite(db)) await db.raw('PRAGMA wal_checkpoint(PASSIVE)');
    },
  };
}
