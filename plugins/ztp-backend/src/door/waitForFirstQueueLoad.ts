import type { LoggerService } from '@backstage/backend-plugin-api';

/** How long the door waits for a first catalog sync that finds devices. */
export const FIRST_LOAD_MAX_WAIT_MS = 60_000;

/**
 * Resolves once the ZTP queue is loaded from the catalog, so that the
 * device door never answers before it knows the declared devices (a device
 * that asked earlier would be answered 404 and recorded as unknown). The
 * queue is loaded when a sync succeeds and the queue holds devices; while
 * the catalog is still reading its locations a sync finds none, so it is
 * tried again every intervalMs, up to maxWaitMs (a portal that declares no
 * device at all opens its door then). Resolves false when stopped first.
 */
export async function waitForFirstQueueLoad(options: {
  /** Syncs the queue with the catalog and says how many devices it holds. */
  load: () => Promise<number>;
  logger: LoggerService;
  isStopped: () => boolean;
  intervalMs?: number;
  maxWaitMs?: number;
}): Promise<boolean> {
  const { load, logger, isStopped } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const deadline = Date.now() + (options.maxWaitMs ?? FIRST_LOAD_MAX_WAIT_MS);
  let said = false;
  for (;;) {
    if (isStopped()) return false;
    let devices = 0;
    let failure: unknown;
    try {
      devices = await load();
    } catch (error) {
      failure = error;
    }
    if (devices > 0) return true;
    if (Date.now() >= deadline) {
      logger.warn(
        failure
          ? `Opening the device door without a catalog sync: ${failure}`
          : 'Opening the device door: the catalog declares no network device',
      );
      return true;
    }
    if (!said) {
      said = true;
      logger.info(
        `The device door opens once the ZTP queue is loaded from the catalog (${
          failure ? `sync failed: ${failure}` : 'no device in the catalog yet'
        }); trying again every ${intervalMs / 1000} s`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
