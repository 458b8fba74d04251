import os from 'node:os';
import { Piscina } from 'piscina';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import { findBuiltinDriver } from '../../platforms';
import { HASH_WORKER_FILE } from './hashWorker';

/**
 * In development and tests the sources are TypeScript: a worker does not
 * inherit jest's transform, so it gets Backstage's Node transform.
 */
function workerExecArgv(): string[] | undefined {
  if (!HASH_WORKER_FILE.endsWith('.ts')) return undefined;
  if (process.execArgv.some(a => a.includes('nodeTransform'))) return undefined;
  for (const id of [
    '@backstage/cli-node/config/nodeTransform.cjs',
    '@backstage/cli/config/nodeTransform.cjs',
  ]) {
    try {
      return [...process.execArgv, '--require', require.resolve(id)];
    } catch {
      // try the next
    }
  }
  return undefined;
}

/**
 * Hashes the local accounts' passwords on a pool of worker threads, one per
 * core: a platform hash costs milliseconds of CPU on purpose, and importing
 * a fleet hashes thousands, which on the main thread would hold up the
 * device door and every API request. Threads exit when idle. A platform
 * added by another plugin hashes on the main thread (its driver object
 * cannot be sent to a thread).
 */
export class PasswordHashPool {
  private readonly pool: Piscina;

  constructor(options: { threads?: number; idleTimeoutMs?: number } = {}) {
    const threads = options.threads ?? os.availableParallelism();
    this.pool = new Piscina({
      filename: HASH_WORKER_FILE,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: options.idleTimeoutMs ?? 30_000,
      execArgv: workerExecArgv(),
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
    if (findBuiltinDriver(driver.id) !== driver) {
      return driver.hashPassword(password);
    }
    return this.pool.run({ platform: driver.id, password });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
