import { recordedFetches } from '../../__testUtils__/recordedFetches';
import { insertDeclared } from '../../database/__testUtils__/storesForTest';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import {
  migrateZtpDatabase,
  ztpStoresOn,
  type ZtpStores,
} from '../../database/ZtpStores';
import type { DeviceRecord } from '../../database/types';
import { freePort, httpGet } from '../../__testUtils__/network';
import { Worker } from 'node:worker_threads';
import {
  DOOR_YOUNG_GENERATION_MB,
  DoorWorkerHost,
  workerDatabaseConfig,
} from './DoorWorkerHost';
import type { FetchedDevice, MainToDoor } from './protocol';

jest.setTimeout(30_000);

function declared(n: number) {
  return {
    entityRef: `resource:default/dev-${n}`,
    namespace: 'default',
    name: `dev-${n}`,
    platform: 'arista-eos',
    managementAddress: `127.0.20.${n}/24`,
    managementIp: `127.0.20.${n}`,
    defaultGateway: '127.0.20.254',
    sshPort: 22,
    macAddress: `52:54:00:00:20:${n.toString(16).padStart(2, '0')}`,
    hostname: `dev-${n}`,
    declaredSerial: `SER${n}`,
    serialTemporary: false,
    declarationHash: `h${n}`,
    expectedSerial: `SER${n}`,
    localUsername: `ztp-${n}`,
    localPasswordEnc: 'v1:x:y:z',
    localPasswordHash: `$6$salt$hash${n}`,
  };
}

async function until<T>(probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 50));
  }
}

const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
const backends: [string][] = [
  ['a SQLite file'],
  ...(databases.supports('POSTGRES_15') ? [['PostgreSQL'] as [string]] : []),
];

it('runs the worker door against PostgreSQL in CI, not only SQLite', () => {
  // scripts/test.sh starts a real PostgreSQL server.
  const required = process.env.CI
    ? ['a SQLite file', 'PostgreSQL']
    : ['a SQLite file'];
  expect(backends.map(([b]) => b)).toEqual(expect.arrayContaining(required));
});

describe.each(backends)('DoorWorkerHost on %s', backend => {
  let dir: string;
  let db: Knex;
  let stores: ZtpStores;
  let host: DoorWorkerHost | undefined;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-door-'));
    if (backend === 'PostgreSQL') {
      db = await databases.init('POSTGRES_15');
    } else {
      db = knexFactory({
        client: 'better-sqlite3',
        connection: { filename: path.join(dir, 'ztp.sqlite') },
        useNullAsDefault: true,
      });
      await db.raw('PRAGMA journal_mode = WAL');
    }
    await migrateZtpDatabase(db);
    stores = ztpStoresOn(db);
    await insertDeclared(stores, [declared(1), declared(2)]);
  });

  afterEach(async () => {
    await host?.stop();
    host = undefined;
    if (backend !== 'PostgreSQL') await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Fetches recorded on the device's row or logged as repeats, both durable. */
  async function recordedFetchesOf(entityRef: string) {
    const row = (await stores.devices.getDevice(entityRef))!;
    return (await recordedFetches(db, [row])).get(entityRef);
  }

  async function startHost(
    allowedNetworks: string[] = [],
    unknownFlushMs = 60_000,
    repeatFetchReportMs?: number,
    devicesPerMessage?: number,
  ) {
    const fetched: FetchedDevice[] = [];
    const unknownRecorded: number[] = [];
    const port = await freePort();
    host = new DoorWorkerHost({
      host: '127.0.0.1',
      port,
      allowedNetworks,
      firstCheckDelayMs: 0,
      database: workerDatabaseConfig(db.client.config)!,
      renderer: {
        render: (d: DeviceRecord) => `hostname ${d.hostname}\n`,
      },
      logger: mockServices.logger.mock(),
      onFetched: devices => fetched.push(...devices),
      onUnknownRecorded: () => unknownRecorded.push(Date.now()),
      unknownFlushMs,
      repeatFetchReportMs,
      devicesPerMessage,
    });
    host.syncDevices(await stores.devices.listActiveDevices());
    const address = await host.start();
    return {
      base: `http://127.0.0.1:${address.port}`,
      fetched,
      port,
      unknownRecorded,
    };
  }

  it('serves from a worker thread and records each fetch in the database', async () => {
    // Every repeat reported, to see both fetches reach the main thread.
    const { base, fetched } = await startHost([], 60_000, 0);
    const first = await httpGet(`${base}/ztp/config/by-mac/5254.0000.2001`);
    expect(first).toEqual({ status: 200, body: 'hostname dev-1\n' });
    // The thread's young generation is bounded: a storm's RSS carries it.
    const worker = (host as unknown as { worker: Worker }).worker;
    expect(worker.resourceLimits?.maxYoungGenerationSizeMb).toBe(
      DOOR_YOUNG_GENERATION_MB,
    );
    // Durable before the response: the main thread's connection sees it.
    const device = await stores.devices.getDevice('resource:default/dev-1');
    expect(device).toMatchObject({
      confMinState: 'loaded',
      confMinFetchCount: 1,
      confMinLoadedFrom: '127.0.0.1',
    });
    expect(
      (await httpGet(`${base}/ztp/config/by-hostname/dev-1.cfg`)).status,
    ).toBe(200);
    // The repeat is durable too, in the log the door folds a moment later.
    expect(await recordedFetchesOf('resource:default/dev-1')).toBe(2);
    // The main thread hears of both: the first changes the state.
    await until(async () => (fetched.length === 2 ? true : undefined));
    expect(fetched.map(f => f.first)).toEqual([true, false]);

    expect(
      await httpGet(`${base}/ztp/config/by-mac/00:11:22:33:44:55`),
    ).toEqual({ status: 404, body: 'unknown device\n' });
    // Probes are counted in the worker and written when it stops; the
    // logged repeats are folded into the row.
    await host!.stop();
    expect(
      (await stores.devices.getDevice('resource:default/dev-1'))!
        .confMinFetchCount,
    ).toBe(2);
    const unknown = await stores.unknownDevices.listUnknownDevices(10);
    expect(unknown).toMatchObject([
      { identifier: 'mac 00:11:22:33:44:55', sourceIp: '127.0.0.1', count: 1 },
    ]);
    await expect(
      httpGet(`${base}/ztp/config/by-mac/5254.0000.2001`),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it("sends the door's thread each device's identities and states, never its account", async () => {
    const posted = jest.spyOn(Worker.prototype, 'postMessage');
    try {
      const { base } = await startHost();
      expect(
        (await httpGet(`${base}/ztp/config/by-mac/5254.0000.2002`)).status,
      ).toBe(200);
      const sent = posted.mock.calls
        .map(([m]) => m as MainToDoor)
        .flatMap(m => (m.type === 'devices' ? m.upsert : []));
      expect(sent.map(d => d.device.entityRef).sort()).toEqual([
        'resource:default/dev-1',
        'resource:default/dev-2',
      ]);
      for (const { device } of sent) {
        expect(Object.keys(device).sort()).toEqual([
          'confMinState',
          'entityRef',
          'expectedSerial',
          'hostname',
          'macAddress',
          'managementIp',
          'serialState',
        ]);
      }
      const text = JSON.stringify(posted.mock.calls);
      expect(text).not.toContain('v1:x:y:z');
      expect(text).not.toContain('$6$salt');
    } finally {
      posted.mockRestore();
    }
  });

  it('sends the queue in messages of a few devices and opens once the last is in', async () => {
    const posted = jest.spyOn(Worker.prototype, 'postMessage');
    try {
      // One device a message: the queue's two devices take two.
      const { base } = await startHost([], 60_000, undefined, 1);
      const messages = posted.mock.calls
        .map(([m]) => m as MainToDoor)
        .filter(m => m.type === 'devices');
      expect(
        messages.map(m =>
          m.type === 'devices' ? [m.upsert.length, m.complete] : [],
        ),
      ).toEqual([
        [1, false],
        [1, true],
      ]);
      // Open means every device of the queue is served.
      for (const mac of ['5254.0000.2001', '5254.0000.2002']) {
        expect((await httpGet(`${base}/ztp/config/by-mac/${mac}`)).status).toBe(
          200,
        );
      }
    } finally {
      posted.mockRestore();
    }
  });

  it('tells the main thread of a repeated fetch at most once per interval, and of every first fetch', async () => {
    const { base, fetched } = await startHost();
    for (let i = 0; i < 5; i++) {
      expect(
        (await httpGet(`${base}/ztp/config/by-mac/5254.0000.2001`)).status,
      ).toBe(200);
    }
    expect(
      (await httpGet(`${base}/ztp/config/by-mac/5254.0000.2002`)).status,
    ).toBe(200);
    // All six are recorded; the repeats within 30 s are not messages.
    expect(await recordedFetchesOf('resource:default/dev-1')).toBe(5);
    await until(async () => (fetched.length >= 2 ? true : undefined));
    await new Promise(r => setTimeout(r, 100));
    expect(fetched.map(f => [f.entityRef, f.first])).toEqual([
      ['resource:default/dev-1', true],
      ['resource:default/dev-2', true],
    ]);
  });

  it('resends a device for what it serves, not for the states fetches and checks move', async () => {
    const { base, fetched } = await startHost();
    const url = `${base}/ztp/config/by-mac/5254.0000.2001`;
    expect((await httpGet(url)).status).toBe(200);
    await until(async () => (fetched.length === 1 ? true : undefined));
    const posted = jest.spyOn(host as any, 'post');
    // The periodic refresh sees dev-1 loaded and checked: nothing to send.
    const loaded = await stores.devices.getDevices(['resource:default/dev-1']);
    const others = await stores.devices.listActiveDevices();
    host!.syncDevices(
      others.map(d =>
        d.entityRef === loaded[0].entityRef
          ? { ...loaded[0], serialState: 'checked' as const }
          : d,
      ),
    );
    expect(posted).toHaveBeenLastCalledWith({
      type: 'devices',
      upsert: [],
      remove: [],
      complete: true,
    });
    // Set back to Not Loaded: sent, and its next fetch is a first one again.
    host!.syncDevices(
      others.map(d =>
        d.entityRef === loaded[0].entityRef
          ? { ...loaded[0], confMinState: 'not-loaded' as const }
          : d,
      ),
    );
    expect(
      (posted.mock.lastCall![0] as { upsert: unknown[] }).upsert,
    ).toHaveLength(1);
    expect((await httpGet(url)).status).toBe(200);
    await until(async () => (fetched.length === 2 ? true : undefined));
    expect(fetched.map(f => f.first)).toEqual([true, true]);
  });

  it('follows the queue: a removed device is unknown, a changed one served anew', async () => {
    const { base } = await startHost();
    expect((await httpGet(`${base}/ztp/config/by-hostname/dev-2`)).body).toBe(
      'hostname dev-2\n',
    );
    const [one, two] = await stores.devices.getDevices([
      'resource:default/dev-1',
      'resource:default/dev-2',
    ]);
    host!.syncDevices([
      {
        ...two,
        hostname: 'dev-2-renamed',
        declarationHash: 'h2-changed',
      },
    ]);
    await until(async () => {
      const r = await httpGet(`${base}/ztp/config/by-hostname/dev-2-renamed`);
      return r.status === 200 ? r : undefined;
    });
    expect((await httpGet(`${base}/ztp/config/by-hostname/dev-2`)).status).toBe(
      404,
    );
    expect(
      (await httpGet(`${base}/ztp/config/by-mac/${one.macAddress}`)).status,
    ).toBe(404);
  });

  it('takes the changes of some devices alone, leaving the others as they were sent', async () => {
    const { base } = await startHost();
    const [one, two] = await stores.devices.getDevices([
      'resource:default/dev-1',
      'resource:default/dev-2',
    ]);
    const posted = jest.spyOn(host as any, 'post');
    // A state that does not change what the door serves: nothing sent.
    host!.syncChanged([{ ...one, serialState: 'checked' as const }], []);
    expect(posted).not.toHaveBeenCalled();
    // dev-2 renamed, dev-1 gone: one message with both.
    host!.syncChanged(
      [{ ...two, hostname: 'dev-2-renamed', declarationHash: 'h2-changed' }],
      [one.entityRef],
    );
    expect(posted).toHaveBeenCalledTimes(1);
    expect(posted.mock.lastCall![0]).toMatchObject({
      type: 'devices',
      remove: [one.entityRef],
      upsert: [expect.objectContaining({ device: expect.anything() })],
    });
    await until(async () => {
      const r = await httpGet(`${base}/ztp/config/by-hostname/dev-2-renamed`);
      return r.status === 200 ? r : undefined;
    });
    expect(
      (await httpGet(`${base}/ztp/config/by-mac/${one.macAddress}`)).status,
    ).toBe(404);
    // A restarted worker gets the queue as the changes left it.
    await host!.stop();
    const restarted = await host!.start();
    const again = `http://127.0.0.1:${restarted.port}`;
    expect(
      (await httpGet(`${again}/ztp/config/by-hostname/dev-2-renamed`)).status,
    ).toBe(200);
    expect(
      (await httpGet(`${again}/ztp/config/by-mac/${one.macAddress}`)).status,
    ).toBe(404);
  });

  it('writes unknown-device probes while running and says so', async () => {
    const { base, unknownRecorded } = await startHost([], 200);
    for (let i = 0; i < 3; i++) {
      expect(
        (await httpGet(`${base}/ztp/config/by-hostname/stranger-01`)).status,
      ).toBe(404);
    }
    await until(async () => (unknownRecorded.length ? true : undefined));
    expect(await stores.unknownDevices.listUnknownDevices(10)).toMatchObject([
      { identifier: 'hostname stranger-01', sourceIp: '127.0.0.1', count: 3 },
    ]);
    // Nothing new, nothing said.
    const said = unknownRecorded.length;
    await new Promise(r => setTimeout(r, 500));
    expect(unknownRecorded).toHaveLength(said);
  });

  it('refuses addresses outside the allowed networks', async () => {
    const { base } = await startHost(['127.0.0.2/32']);
    expect((await httpGet(`${base}/ztp/config/by-hostname/dev-1`)).status).toBe(
      403,
    );
    expect(
      (
        await httpGet(`${base}/ztp/config/by-hostname/dev-1`, {
          localAddress: '127.0.0.2',
        })
      ).status,
    ).toBe(200);
    expect(
      (await stores.devices.getDevice('resource:default/dev-1'))!
        .confMinLoadedFrom,
    ).toBe('127.0.0.2');
  });

  it('starts the worker again when it dies, with the same table', async () => {
    const { base } = await startHost();
    expect((await httpGet(`${base}/ztp/config/by-hostname/dev-1`)).status).toBe(
      200,
    );
    // A crash of the thread (not a stop): the host notices and restarts it.
    await (
      host as unknown as { worker: { terminate(): Promise<number> } }
    ).worker.terminate();
    const again = await until(async () => {
      const r = await httpGet(`${base}/ztp/config/by-hostname/dev-2`).catch(
        () => undefined,
      );
      return r?.status === 200 ? r : undefined;
    });
    expect(again.body).toBe('hostname dev-2\n');
    expect(
      (await stores.devices.getDevice('resource:default/dev-2'))!
        .confMinFetchCount,
    ).toBe(1);
  });

  it('fails to start with a clear error when the port is taken', async () => {
    const { port } = await startHost();
    const second = new DoorWorkerHost({
      host: '127.0.0.1',
      port,
      allowedNetworks: [],
      firstCheckDelayMs: 0,
      database: workerDatabaseConfig(db.client.config)!,
      renderer: { render: () => '' },
      logger: mockServices.logger.mock(),
      onFetched: () => {},
    });
    await expect(second.start()).rejects.toThrow(
      /provisioning server did not start: .*EADDRINUSE/,
    );
    await second.stop();
  });
});

describe('workerDatabaseConfig', () => {
  it('shares a SQLite file or PostgreSQL with a worker, not an in-memory database', () => {
    expect(
      workerDatabaseConfig({
        client: 'better-sqlite3',
        connection: { filename: '/var/lib/backstage/ztp.sqlite' },
      }),
    ).toEqual({
      client: 'better-sqlite3',
      connection: { filename: '/var/lib/backstage/ztp.sqlite' },
    });
    expect(
      workerDatabaseConfig({
        client: 'better-sqlite3',
        connection: { filename: ':memory:' },
      }),
    ).toBeUndefined();
    expect(
      workerDatabaseConfig({
        client: 'pg',
        connection: { host: '127.0.0.1', database: 'backstage_plugin_ztp' },
        searchPath: 'ztp',
      }),
    ).toEqual({
      client: 'pg',
      connection: { host: '127.0.0.1', database: 'backstage_plugin_ztp' },
      searchPath: ['ztp'],
    });
    // A connection function cannot cross to a worker.
    expect(
      workerDatabaseConfig({
        client: 'pg',
        connection: { password: () => 'x' },
      }),
    ).toBeUndefined();
  });
});
