import fs from 'node:fs';
import dgram from 'node:dgram';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { ztpPlugin } from '../plugin';
import { deviceEntity } from './fleet';
import { freePort } from './network';
import { builtinPlatformFeatures } from './builtinPlatforms';

/**
 * The seed of this run's properties: ZTP_FUZZ_SEED replays a failure,
 * otherwise a new one each run (printed when a property fails).
 */
export const FUZZ_SEED = Number(
  process.env.ZTP_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31),
);

/**
 * Checks a property with fast-check, seeded and bounded in runs and time;
 * a failure names the seed that replays it.
 */
export async function checkProperty<T>(
  property: fc.IAsyncPropertyWithHooks<T>,
  options: { numRuns: number; timeLimitMs: number },
) {
  try {
    await fc.assert(property, {
      seed: FUZZ_SEED,
      numRuns: options.numRuns,
      interruptAfterTimeLimit: options.timeLimitMs,
      markInterruptAsFailure: false,
      endOnFailure: true,
      includeErrorInReport: true,
    });
  } catch (error) {
    throw new Error(
      `Fuzz property failed with seed ${FUZZ_SEED} (replay: ZTP_FUZZ_SEED=${FUZZ_SEED}):\n${
        (error as Error).message
      }`,
    );
  }
}

/** Open file descriptors of this process (sockets included). */
export function openFds(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/** Waits until the count of open descriptors is back to at most `limit`. */
export async function fdsSettle(limit: number, ms = 3000): Promise<number> {
  const deadline = Date.now() + ms;
  let count = openFds();
  while (count > limit && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 50));
    count = openFds();
  }
  return count;
}

/** The fleet the fuzzed backend serves: none on the fuzzer's own address. */
export const FUZZ_FLEET = [
  deviceEntity('leaf-eos', {
    'ztp.network/serial-number': 'SSJ17371234',
    'ztp.network/platform': 'arista-eos',
    'ztp.network/management-address': '127.0.10.13/24',
    'ztp.network/mac-address': '52:54:00:0a:00:13',
    'ztp.network/hostname': 'leaf-eos',
    'ztp.network/site': 'par1',
  }),
  deviceEntity('edge-ios', {
    'ztp.network/serial-number': 'FOC2148Z0AB',
    'ztp.network/platform': 'cisco-iosxe',
    'ztp.network/management-address': '127.0.10.11/24',
    'ztp.network/hostname': 'edge-ios.par1',
    'ztp.network/site': 'par1',
  }),
];

/** Every ZTP table, as rows: what a rejected request must leave as it was. */
export async function snapshot(knex: Knex): Promise<string> {
  // One query at a time: concurrent ones would open pool connections, and
  // their sockets would count as descriptor growth.
  const rows: unknown[] = [];
  for (const table of [
    'ztp_devices',
    'ztp_events',
    'ztp_serial_corrections',
    'ztp_unknown_devices',
    'ztp_bulk_push_jobs',
    'ztp_bulk_push_results',
    'ztp_declaration_problems',
    'ztp_replacement_jobs',
    'ztp_replacement_results',
  ]) {
    if (await knex.schema.hasTable(table)) {
      rows.push(await knex(table).select().orderByRaw('1'));
    }
  }
  return JSON.stringify(rows);
}

/**
 * The ZTP backend on a test database, with its device door and TFTP door
 * on free loopback ports. Nothing runs on a timer during a fuzz run (catalog
 * sync, sweeps, unknown-device flushes): a rejected request is then the
 * only thing that could change the database.
 */
export async function startFuzzBackend(knex: Knex) {
  const doorPort = await freePort();
  const udp = dgram.createSocket('udp4');
  await new Promise<void>(r => udp.bind(0, '127.0.0.1', r));
  const tftpPort = udp.address().port;
  await new Promise<void>(r => udp.close(() => r()));
  const backend = await startTestBackend({
    features: [
      ztpPlugin,
      ...builtinPlatformFeatures,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: FUZZ_FLEET }),
      mockServices.rootConfig.factory({
        data: {
          ztp: {
            secrets: { key: 'test-key-0123456789abcdef' },
            provisioning: {
              port: doorPort,
              tftp: { enabled: true, port: tftpPort },
            },
            catalogSync: { frequencySeconds: 3600, indexRefreshSeconds: 3600 },
            serialCheck: {
              sweepSeconds: 3600,
              connectTimeoutMs: 200,
              deadlineMs: 500,
              retryInitialDelayMs: 3_600_000,
              firstCheckDelayMs: 3_600_000,
            },
          },
        },
      }),
    ],
  });
  return { backend, doorPort, tftpPort };
}
