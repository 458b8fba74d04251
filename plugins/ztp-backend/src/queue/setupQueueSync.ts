import type {
  AuthService,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { DeviceQueueSync } from './DeviceQueueSync';
import { PasswordHashPool } from '../credentials/passwordHashing/PasswordHashPool';
import type { ZtpCore } from '../setupZtpCore';
import { startQueueSync } from './startQueueSync';
import { DatabaseSyncEtagStore } from './SyncEtagStore';

/**
 * The ZTP queue kept in step with the catalog: the sync, the pool that
 * hashes the generated accounts' passwords, and the start-up load that
 * opens the device door.
 */
export async function setupQueueSync(
  deps: {
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
    database: DatabaseService;
  },
  core: Pick<
    ZtpCore,
    'stores' | 'vault' | 'platforms' | 'publisher' | 'doorView' | 'settings'
  >,
) {
  const { stores, publisher, doorView } = core;
  const hasher = new PasswordHashPool();
  const sync = new DeviceQueueSync({
    catalog: deps.catalog,
    auth: deps.auth,
    stores,
    vault: core.vault,
    platforms: core.platforms,
    logger: deps.logger,
    hasher,
    etagStore: new DatabaseSyncEtagStore(await deps.database.getClient()),
    quietPassIntervalMs: core.settings.catalogQuietPassSeconds * 1000,
    onChanged: result => {
      publisher.changed(...result.added, ...result.updated);
      publisher.removedFromQueue(...result.removed);
      // Read at once: a device declared and powered on is served as soon
      // as its row is written, not at the next scheduled refresh.
      doorView.changed(...result.added, ...result.updated, ...result.removed);
    },
  });
  return {
    sync,
    hasher,
    /** Loads the queue, then opens the door; see startQueueSync. */
    start(options: {
      openDoor: () => Promise<void>;
      isStopped: () => boolean;
    }) {
      return startQueueSync({ ...options, sync, stores, logger: deps.logger });
    },
  };
}
