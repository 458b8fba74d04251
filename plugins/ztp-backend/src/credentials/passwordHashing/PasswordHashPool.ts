import os from 'node:os';
import { Piscina } from 'piscina';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import { HASH_WORKER_FILE, hashInWorker } from './hashWorker';
import { workerExecArgv } from '../../workerExecArgv';

/** V8's young generation of a hashing thread, in MB. */
export const HASH_THREAD_YOUNG_GENERATION_MB = 6;

/**
 * Hashes the local accounts' passwords on a pool of worker threads, one per
 * core: a platform hash costs milliseconds of CPU on purpose, and importing
 * a fleet hashes thousands, which on the main thread would hold up the
 * device door and every API request. Threads exit when idle. A platform
 * that declares no standard passwordHashScheme hashes on the main thread
 * (its driver object cannot be sent to a thread).
 */
export class PasswordHashPool {
  private readonly pool: Piscina;

  constructor(options: { threads?: number; idleTimeoutMs?: number } = {}) {
    const threads = options.threads ?? os.availableParallelism();
    this.pool = new Piscina({
      filename: HASH_WORKER_FILE,
      minThreads: 0,
      maxThreads: threads,
      // Long enough to last between the catalog sync's passes (10 s while
      // a fleet is being imported), short enough to give back soon after:
      // a hashing thread holds tens of MB, and its exit returns them.
      idleTimeout: options.idleTimeoutMs ?? 15_000,
      execArgv: workerExecArgv(HASH_WORKER_FILE),
      // A hash makes a small buffer per round and keeps none: a small young
      // generation collects them as well as V8's default for a thread (48
      // MB on a machine with memory to spare), which the RSS carries.
      resourceLimits: {
        maxYoungGenerationSizeMb: HASH_THREAD_YOUNG_GENERATION_MB,
      },
    });
  }

  /** Threads the pool may run at once. */
  get threads(): number {
    return this.pool.options.maxThreads;
  }

  /** Tasks run so far on the pool's threads. */
  get completed(): number {
    return this.pool.completed;
  }

  hash(driver: ZtpPlatformDriver, password: string): Promise<string> {
    if (!driver.passwordHashScheme) return driver.hashPassword(password);
    const task: Parameters<typeof hashInWorker>[0] = {
      scheme: driver.passwordHashScheme,
      password,
    };
    return this.pool.run(task, { name: hashInWorker.name });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
