import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import type { PlatformId } from '@ztp-portal/ztp-simulator';
import knexFactory, { Knex } from 'knex';
import { ztpStoresOn } from './database/ZtpStores';
import { stopZtpChild, waitForDoor } from './__testUtils__/crash/childProcess';
import { crashFleet } from './__testUtils__/crash/crashFleet';
import { Replica, startReplica } from './__testUtils__/crash/replicaProcess';
import { exampleDevices } from './finalConfig/__testUtils__/exampleFleet';
import { freePort } from './__testUtils__/network';
import { recordedFetches } from './__testUtils__/recordedFetches';

// Typically 30-45 s: two backends start one after the other, devices boot
// and are checked, a push job and a storm run, one replica dies and the
// other takes its job over after four missed heartbeats (1 s each).
jest.setTimeout(120_000);

const POSTGRES_URL =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
  process.env.ZTP_TEST_POSTGRES_URL;

/** Devices of the push job: one per platform, from the example fleet. */
const PUSHED = ['spine-01-par1', 'leaf-01-par1', 'edge-01-par1', 'oob-01-par1'];
const STORM_DEVICES = 150;
/** Requests sent after the kill, to the surviving replica. */
const AFTER_KILL = 300;
const CONCURRENCY = 40;
const OPERATOR = mockCredentials.user.header('user:default/operator');

type Fetch = { ref: string; served: boolean };

function fetchConfig(base: string, mac: string): Promise<number | undefined> {
  return new Promise(resolve => {
    const req = http.get(
      `${base}/ztp/config/by-mac/${mac}`,
      { agent: false, headers: { connection: 'close' } },
      res => {
        let received = 0;
        res.on('data', (chunk: Buffer) => (received += chunk.length));
        res.on('end', () =>
          resolve(
            res.complete && received === Number(res.headers['content-length'])
              ? res.statusCode
              : undefined,
          ),
        );
        res.on('error', () => resolve(undefined));
      },
    );
    req.on('error', () => resolve(undefined));
  });
}

async function api(
  replica: Replica,
  method: 'GET' | 'POST',
  route: string,
  body?: unknown,
): Promise<{ status: number; body: any }> {
  const res = await fetch(
    `http://127.0.0.1:${await replica.apiPort}/api/ztp${route}`,
    {
      method,
      headers: {
        authorization: OPERATOR,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    },
  );
  return { status: res.status, body: await res.json() };
}

async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  context: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}\n${context()}`);
    }
    await new Promise(r => setTimeout(r, 100));
  }
}

describe('two replicas on one PostgreSQL, one killed mid-work', () => {
  const prefix = `ztp_fault_${randomBytes(4).toString('hex')}_`;
  let dir: string;
  const replicas: Replica[] = [];
  const devices: SimulatedDevice[] = [];
  let db: Knex | undefined;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-fault-'));
  });

  afterAll(async () => {
    await Promise.all(devices.map(d => d.powerOff()));
    await Promise.all(replicas.map(r => stopZtpChild(r)));
    await db?.destroy();
    if (POSTGRES_URL) {
      const admin = knexFactory({ client: 'pg', connection: POSTGRES_URL });
      await admin.raw(`DROP DATABASE IF EXISTS "${prefix}ztp"`);
      await admin.destroy();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('loses no fetch and no push, and records none twice, when one dies during a fetch storm and a bulk push', async () => {
    // scripts/test.sh starts the PostgreSQL server this test needs.
    expect(POSTGRES_URL).toBeDefined();

    // The fleet: devices that only fetch (SSH never answers) and simulated
    // devices of each platform that are checked and pushed for real.
    const storm = crashFleet(STORM_DEVICES);
    const sshPorts = new Map<string, number>();
    const pushed: Entity[] = [];
    for (const entity of exampleDevices()) {
      if (!PUSHED.includes(entity.metadata.name)) continue;
      const sshPort = await freePort();
      sshPorts.set(entity.metadata.name, sshPort);
      pushed.push({
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            'ztp.network/ssh-port': String(sshPort),
          },
        },
      });
    }
    expect(pushed).toHaveLength(PUSHED.length);
    const fleetFile = path.join(dir, 'fleet.json');
    fs.writeFileSync(fleetFile, JSON.stringify([...storm.entities, ...pushed]));

    // Replica A first (it runs the migrations), then B on the same database.
    const doors: string[] = [];
    for (let i = 0; i < 2; i++) {
      const doorPort = await freePort();
      const replica = startReplica({
        fleetFile,
        doorPort,
        prefix,
        postgresUrl: POSTGRES_URL!,
      });
      replicas.push(replica);
      doors.push(`http://127.0.0.1:${doorPort}`);
      await waitForDoor(doors[i], replica, 40_000);
      await replica.apiPort;
    }
    const [a, b] = replicas;
    db = knexFactory({
      client: 'pg',
      connection: `${POSTGRES_URL}/${prefix}ztp`,
    });
    const stores = ztpStoresOn(db);
    const refOf = (name: string) => `resource:default/${name}`;

    // The simulated devices boot from replica A's door and get checked.
    for (const entity of pushed) {
      const annotations = entity.metadata.annotations!;
      const device = new SimulatedDevice({
        name: entity.metadata.name,
        platform: annotations['ztp.network/platform'] as PlatformId,
        // The box's own model: a Junos box answers SSH on its model's port.
        ...(annotations['ztp.network/model']
          ? { model: annotations['ztp.network/model'] }
          : {}),
        managementIp:
          annotations['ztp.network/management-address'].split('/')[0],
        sshPort: sshPorts.get(entity.metadata.name),
        hostname: annotations['ztp.network/hostname'],
        realSerial: annotations['ztp.network/serial-number'],
        provisioningUrl: doors[0],
        bootDelayMs: 0,
        fetchRetryMs: 200,
        fetchRetryMaxMs: 500,
        // EOS and POAP reboot into the configuration they fetched: quickly
        // here, so SSH is up when the first check comes.
        rebootMs: 20,
      } as any);
      devices.push(device);
      await device.powerOn();
    }
    const pushedRefs = PUSHED.map(refOf);
    let lastRows: Awaited<ReturnType<typeof stores.devices.getDevices>> = [];
    await until(
      'the simulated devices to be Checked',
      async () => {
        const rows = (lastRows = await stores.devices.getDevices(pushedRefs));
        return rows.length === pushedRefs.length &&
          rows.every(d => d.serialState === 'checked')
          ? true
          : undefined;
      },
      30_000,
      () =>
        [
          ...lastRows.map(
            d =>
              `${d.entityRef}: Conf Min ${d.confMinState}, serial ${
                d.serialState
              } ${d.serialReason ?? ''}`,
          ),
          ...devices.map(d => `${d.name} is ${d.state}`),
          a.output() + b.output(),
        ].join('\n'),
    );

    // A bulk push on replica A, one device at a time.
    const started = await api(a, 'POST', '/final-config/push', {
      entityRefs: pushedRefs,
    });
    expect(started.status).toBe(202);
    const jobId: string = started.body.id;

    // A fetch storm on both doors, as a load balancer spreads it; what A
    // cannot answer any more is sent to B. A is killed once the push has
    // recorded its first device and the storm is under way.
    const asked = new Map<string, number>();
    const served = new Map<string, number>();
    const fetches: Fetch[] = [];
    let killedAt: number | undefined;
    let resultsAtKill = 0;
    let sentAfterKill = 0;
    let next = 0;
    const worker = async () => {
      while (killedAt === undefined || sentAfterKill < AFTER_KILL) {
        if (killedAt !== undefined) sentAfterKill++;
        const device = storm.devices[next++ % storm.devices.length];
        const ask = (door: string) => {
          asked.set(device.entityRef, (asked.get(device.entityRef) ?? 0) + 1);
          return fetchConfig(door, device.mac);
        };
        // A request cut by the kill may have been recorded: a retry is a
        // second request, and may be recorded as one.
        const status = (await ask(doors[next % 2])) ?? (await ask(doors[1]));
        const ok = status === 200;
        if (ok) {
          served.set(device.entityRef, (served.get(device.entityRef) ?? 0) + 1);
        }
        fetches.push({ ref: device.entityRef, served: ok });
        if (next > 50_000) throw new Error('the storm never ended');
      }
    };
    const killer = async () => {
      await until(
        "the push job's first result",
        async () => {
          const [{ count }] = await db!('ztp_bulk_push_results')
            .where({ job_id: jobId })
            .count({ count: '*' });
          return Number(count) >= 1 && fetches.length >= 200 ? true : undefined;
        },
        40_000,
        () => a.output(),
      );
      const [{ count }] = await db!('ztp_bulk_push_results')
        .where({ job_id: jobId })
        .count({ count: '*' });
      resultsAtKill = Number(count);
      a.process.kill('SIGKILL');
      killedAt = Date.now();
    };
    await Promise.all([
      killer(),
      ...Array.from({ length: CONCURRENCY }, worker),
    ]);
    expect(await a.exited).toBe('SIGKILL');
    // The kill fell in the middle of the push job.
    expect(resultsAtKill).toBeGreaterThanOrEqual(1);
    expect(resultsAtKill).toBeLessThan(PUSHED.length);

    // Every fetch was answered, by one replica or the other.
    expect(fetches.filter(f => !f.served)).toEqual([]);

    // B takes the job over and pushes what A had not.
    const job = await until(
      'replica B to finish the push job',
      async () => {
        const res = await api(b, 'GET', `/final-config/push/${jobId}`);
        return res.body.running ? undefined : res.body;
      },
      40_000,
      () => b.output(),
    );
    expect(job).toMatchObject({ total: 4, done: 4, failed: 0 });
    expect(job.interrupted).toBeUndefined();
    expect(job.results.map((r: any) => r.entityRef).sort()).toEqual(
      [...pushedRefs].sort(),
    );
    expect(job.results.filter((r: any) => !r.ok)).toEqual([]);
    for (const ref of pushedRefs) {
      const device = (await stores.devices.getDevice(ref))!;
      expect([ref, device.confFinalState]).toEqual([ref, 'pushed']);
      const pushedEvents = (await stores.events.listEvents(ref, 100)).filter(
        e => e.type === 'conffinal.pushed',
      );
      expect([ref, pushedEvents.length]).toEqual([ref, 1]);
    }
    const [{ count: resultRows }] = await db('ztp_bulk_push_results')
      .where({ job_id: jobId })
      .count({ count: '*' });
    expect(Number(resultRows)).toBe(4);

    // Every served fetch is recorded, none more than was sent.
    const records = new Map(
      (await stores.devices.getDevices([...asked.keys()])).map(d => [
        d.entityRef,
        d,
      ]),
    );
    // On the rows, or logged as repeats not folded yet: durable both.
    const recorded = await recordedFetches(db, [...records.values()]);
    const wrong: string[] = [];
    for (const [ref, count] of served) {
      const device = records.get(ref);
      const fetched = recorded.get(ref) ?? 0;
      const events = (await stores.events.listEvents(ref, 1000)).filter(
        e => e.type === 'confmin.fetched',
      );
      if (
        device?.confMinState !== 'loaded' ||
        fetched < count ||
        fetched > asked.get(ref)! ||
        events.length < 1 ||
        events.length > fetched
      ) {
        wrong.push(
          `${ref}: ${count} served of ${asked.get(
            ref,
          )} asked; recorded ${fetched} fetches, ${events.length} events`,
        );
      }
    }
    expect(wrong).toEqual([]);
    expect(served.size).toBe(STORM_DEVICES);

    // B is still healthy: its door answers.
    expect(await fetchConfig(doors[1], storm.devices[0].mac)).toBe(200);
  });
});
