/*
 * One ZTP backend replica in its own process, on a PostgreSQL database
 * shared with other replicas, for the fault test: the test kills one with
 * SIGKILL in the middle of its work. Run with Backstage's TypeScript loader:
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs replicaChild.ts <fleet.json> <door port> <database prefix>
 *
 * The PostgreSQL server is ZTP_TEST_POSTGRES_URL. The replica prints
 * "api port <n>" once started.
 */
import fs from 'node:fs';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ztpPlugin } from '../../plugin';
import { builtinPlatformFeatures } from '../builtinPlatforms';

async function main() {
  const [fleetFile, port, prefix] = process.argv.slice(2);
  const connection = process.env.ZTP_TEST_POSTGRES_URL;
  if (!fleetFile || !port || !prefix || !connection) {
    throw new Error(
      'usage: ZTP_TEST_POSTGRES_URL=... replicaChild.ts <fleet.json> <door port> <database prefix>',
    );
  }
  const entities = JSON.parse(fs.readFileSync(fleetFile, 'utf8'));
  const backend = await startTestBackend({
    features: [
      ztpPlugin,
      ...builtinPlatformFeatures,
      // The real scheduler: its locks in the shared database decide which
      // replica runs a cluster-wide task, as in production.
      schedulerServiceFactory,
      catalogServiceMock.factory({ entities }),
      mockServices.rootLogger.factory({ level: 'warn' }),
      mockServices.rootConfig.factory({
        data: {
          backend: { database: { client: 'pg', connection, prefix } },
          ztp: {
            secrets: { key: 'fault-test-key-0123456789abcdef' },
            provisioning: {
              host: '127.0.0.1',
              port: Number(port),
              tftp: { enabled: false },
            },
            serialCheck: {
              concurrency: 8,
              connectTimeoutMs: 1500,
              deadlineMs: 4000,
              // A simulated device opens SSH a moment after its fetch.
              retryInitialDelayMs: 500,
              retryMaxDelayMs: 4000,
              sweepSeconds: 1,
              // Time for the agents to run their scripts and start SSH:
              // a failed first check would wait for the retry above.
              firstCheckDelayMs: 1500,
            },
            finalConfig: {
              concurrency: 1,
              connectTimeoutMs: 2000,
              deadlineMs: 20_000,
              commandTimeoutMs: 5000,
              jobHeartbeatSeconds: 1,
            },
            catalogSync: { frequencySeconds: 600, indexRefreshSeconds: 600 },
          },
        },
      }),
    ],
  });
  process.stdout.write(`api port ${backend.server.port()}\n`);
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
  // Never outlive the test that started it.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(1);
  }, 1000).unref();
}

main().catch(error => {
  process.stderr.write(`replica failed: ${error?.stack ?? error}\n`);
  process.exit(1);
});
