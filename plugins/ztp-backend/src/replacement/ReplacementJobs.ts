import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  ZtpReplacementCsvCheck,
  ZtpReplacementJob,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceReplacement } from './DeviceReplacement';
import type { ReplacementStore } from './ReplacementStore';

/**
 * A validated replacement list applied as one job: the devices replaced one
 * after the other, each result and the progress in the database, so that
 * any replica answers for it (as bulk pushes do).
 */
export class ReplacementJobs {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      replacement: Pick<DeviceReplacement, 'replace'>;
      store: ReplacementStore;
      logger: LoggerService;
    },
  ) {}

  async start(
    rows: ZtpReplacementCsvCheck['rows'],
    actor: string,
  ): Promise<ZtpReplacementJob> {
    const { store, replacement, logger } = this.deps;
    const id = await store.createJob(actor, rows.length);
    const run = (async () => {
      for (const row of rows) {
        try {
          await replacement.replace({
            entityRef: row.entityRef,
            newSerial: row.newSerial,
            newMacAddress: row.newMacAddress,
            actor,
          });
          await store.recordResult(id, { entityRef: row.entityRef, ok: true });
        } catch (error) {
          await store.recordResult(id, {
            entityRef: row.entityRef,
            ok: false,
            error: (error as Error).message,
          });
        }
      }
      await store.finishJob(id);
    })().catch(error =>
      logger.error(`Replacement list ${id} stopped: ${error}`),
    );
    this.running.add(run);
    run.finally(() => this.running.delete(run));
    return (await store.getJob(id))!;
  }

  get(id: string): Promise<ZtpReplacementJob | undefined> {
    return this.deps.store.getJob(id);
  }

  /** Waits for this replica's jobs (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.running]);
  }
}
