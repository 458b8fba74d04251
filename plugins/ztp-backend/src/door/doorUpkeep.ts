import type { LoggerService } from '@backstage/backend-plugin-api';

/** How often the log of a SQLite file shared with the door is checkpointed. */
export const WAL_CHECKPOINT_INTERVAL_MS = 1000;

/**
 * The doors' periodic work on this thread: writing the unknown devices'
 * probes and, for a SQLite file the door's thread shares, checkpointing
 * its log. Returns the function that stops it.
 */
export function startDoorUpkeep(options: {
  /** Writes the counted probes; how many were written. */
  flushUnknown: () => Promise<number>;
  onUnknownRecorded: () => Promise<void>;
  unknownFlushMs: number;
  /** Set when the door's thread writes a SQLite file. */
  checkpoint?: () => Promise<void>;
  logger: LoggerService;
}): () => void {
  const { logger, checkpoint } = options;
  let checkpointTimer: NodeJS.Timeout | undefined;
  if (checkpoint) {
    // The door's thread never checkpoints SQLite's log (it would hold up
    // the devices waiting on its commits): this one does.
    checkpointTimer = setInterval(
      () => checkpoint().catch(e => logger.warn(`SQLite checkpoint: ${e}`)),
      WAL_CHECKPOINT_INTERVAL_MS,
    );
  }
  // Probes of unknown devices (on this thread: the plugin-router and TFTP
  // doors) are written every few seconds, not one by one.
  const unknownFlushTimer = setInterval(async () => {
    try {
      if (await options.flushUnknown()) {
        await options.onUnknownRecorded();
      }
    } catch (error) {
      logger.warn(`Could not record unknown devices: ${error}`);
    }
  }, options.unknownFlushMs);
  return () => {
    clearInterval(unknownFlushTimer);
    clearInterval(checkpointTimer);
  };
}
