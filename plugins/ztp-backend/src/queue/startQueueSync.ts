import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ZtpStores } from '../database/ZtpStores';
import { waitForFirstQueueLoad } from '../door/waitForFirstQueueLoad';
import type { DeviceQueueSync } from './DeviceQueueSync';

/** How long the startup may spend on the catalog sync before the door opens. */
export const INITIAL_SYNC_BUDGET_MS = 5_000;

/**
 * The queue's first load at startup, and the device door opened once it
 * is loaded (from the database on a restart, else from the catalog). Resolves when the startup may go on; `doorOpened` settles
 * when the door is open (or will not open).
 */
export async function startQueueSync(options: {
  sync: Pick<DeviceQueueSync, 'run'>;
  stores: Pick<ZtpStores, 'devices'>;
  openDoor: () => Promise<void>;
  isStopped: () => boolean;
  logger: LoggerService;
}): Promise<{ doorOpened: Promise<void> }> {
  const { sync, stores, logger, isStopped } = options;
  const loadQueue = async () => {
    // A first stretch of the catalog sync; a large fleet's import goes
    // on in the scheduled runs, the door serving each device once its
    // page is committed.
    await sync.run({ budgetMs: INITIAL_SYNC_BUDGET_MS });
    return (await stores.devices.summary()).total;
  };
  // A restart finds the queue in the database: the door serves it at
  // once, and the sync brings in what changed meanwhile (a device is
  // served its last synced declaration until then, as between two runs).
  // A first start opens the door once the queue is loaded: at once when
  // the first sync finds the devices, else in the background (the backend
  // starts meanwhile; booting devices retry).
  let doorOpened: Promise<void> = Promise.resolve();
  const stored = (await stores.devices.summary()).total;
  const first = stored > 0 ? stored : await loadQueue().catch(() => 0);
  if (first > 0) await options.openDoor();
  else {
    doorOpened = waitForFirstQueueLoad({ load: loadQueue, logger, isStopped })
      .then(open => (open ? options.openDoor() : undefined))
      .catch(e => logger.error(`Could not open the device door: ${e}`));
  }
  // The rest of a first pass over a large catalog, run after run
  // (each bounded in time), without waiting for the schedule.
  void (async () => {
    let result;
    do {
      result = await sync.run();
    } while (!result.finished && !isStopped());
  })().catch(e => logger.warn(`ZTP catalog sync: ${e}`));
  return { doorOpened };
}
