import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { DeviceQueueSync } from './DeviceQueueSync';
import { PasswordHashPool } from '../credentials/passwordHashing/PasswordHashPool';
import type { ZtpCore } from '../setupZtpCore';
import { startQueueSync } from './startQueueSync';

/**
 * The ZTP queue kept in step with the catalog: the sync, the pool that
 * hashes the generated accounts' passwords, and the start-up load that
 * opens the device door.
 */
export function setupQueueSync(
  deps: {
    catalog: CatalogService;
    auth: AuthService;
    logger: LoggerService;
  },
  core: Pick<
    ZtpCore,
    'stores' | 'vault' | 'platforms' | 'publisher' | 'doorView'
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
    onChanged: result => {
      publisher.changed(...result.added, ...result.updated);
      publisher.removedFromQueue(...result.removed);
      doorView.changed(...result.updated, ...result.removed);
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
