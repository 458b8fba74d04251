/*
 * A ZTP backend in its own process, for the crash test: the test kills it
 * with SIGKILL mid-burst, so it must not share the test's process. Run with
 * Backstage's TypeScript loader:
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs ztpChild.ts <dir> <port> [worker|main-thread]
 *
 * <dir> holds fleet.json (the catalog) and receives the SQLite file; <port>
 * is the device door's port on 127.0.0.1; the door runs on a worker thread
 * (the default) or on the main thread. With ZTP_CRASH_POSTGRES_URL and
 * ZTP_CRASH_POSTGRES_PREFIX in the environment the plugin's database is on
 * that PostgreSQL server (`<prefix>ztp`) instead of a SQLite file.
 */
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import { ztpPlugin } from '../../plugin';
import { FLEET_FILE } from './crashFleet';
import { builtinPlatformFeatures } from '../builtinPlatforms';

async function main() {
  const [dir, port, door = 'worker'] = process.argv.slice(2);
  if (!dir || !port) throw new Error('usage: ztpChild.ts <dir> <port>');
  const entities = JSON.parse(
    fs.readFileSync(path.join(dir, FLEET_FILE), 'utf8'),
  );
  const backend = await startTestBackend({
    features: [
      ztpPlugin,
      ...builtinPlatformFeatures,
      catalogServiceMock.factory({ entities }),
      // The test reads where the door says it runs.
      mockServices.rootLogger.factory({ level: 'info' }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: process.env.ZTP_CRASH_POSTGRES_URL
              ? {
                  client: 'pg',
                  connection: process.env.ZTP_CRASH_POSTGRES_URL,
                  prefix: process.env.ZTP_CRASH_POSTGRES_PREFIX,
                }
              : {
                  client: 'better-sqlite3',
                  connection: { directory: dir },
                },
          },
          ztp: {
            secrets: { key: 'crash-test-key-0123456789abcdef' },
            provisioning: {
              host: '127.0.0.1',
              port: Number(port),
              worker: door === 'worker',
              tftp: { enabled: false },
            },
            serialCheck: {
              concurrency: 4,
              connectTimeoutMs: 300,
              deadlineMs: 1000,
              retryInitialDelayMs: 600_000,
              sweepSeconds: 600,
            },
            catalogSync: { frequencySeconds: 600, indexRefreshSeconds: 600 },
          },
        },
      }),
    ],
  });
  process.stdout.write('ztp child started\n');
  const stop = () => {
    backend.stop().then(
      () => process.exit(0),
      error => {
        process.stderr.write(`stop failed: ${error}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Never outlive the test that started it.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, 1000).unref();
}

main().catch(error => {
  process.stderr.write(`ztp child failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
