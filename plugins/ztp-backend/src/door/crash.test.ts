import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import { ztpStoresOn } from '../database/ZtpStores';
import { recordedFetches } from '../__testUtils__/recordedFetches';
import { freePort, httpGet } from '../__testUtils__/network';
import {
  startZtpChild,
  stopZtpChild,
  waitForDoor,
  ZtpChild,
} from '../__testUtils__/crash/childProcess';
import {
  crashFleet,
  CrashFleetDevice,
  FLEET_FILE,
  ZTP_SQLITE_FILE,
} from '../__testUtils__/crash/crashFleet';

// Typically 10-20 s: two backend starts in a child process and the burst.
jest.setTimeout(90_000);

const DEVICES = 200;
const REQUESTS = 300;
const CONCURRENCY = 75;
/** The child is killed once this many complete 200s have arrived. */
const KILL_AFTER = 100;

type Outcome =
  | { device: CrashFleetDevice; kind: 'complete'; status: number }
  | { device: CrashFleetDevice; kind: 'failed'; error: string };

/**
 * One device fetch over a fresh connection, as a booting device makes it.
 * "complete" means every byte the server announced arrived.
 */
function fetchConfig(base: string, device: CrashFleetDevice): Promise<Outcome> {
  return new Promise(resolve => {
    const req = http.get(
      `${base}/ztp/config/by-mac/${device.mac}`,
      { agent: false, headers: { connection: 'close' } },
      res => {
        let received = 0;
        res.on('data', (chunk: Buffer) => (received += chunk.length));
        res.on('end', () => {
          const announced = Number(res.headers['content-length']);
          if (res.complete && received === announced) {
            resolve({ device, kind: 'complete', status: res.statusCode ?? 0 });
          } else {
            resolve({ device, kind: 'failed', error: 'truncated' });
          }
        });
        res.on('error', error =>
          resolve({ device, kind: 'failed', error: String(error) }),
        );
      },
    );
    req.on('error', error =>
      resolve({ device, kind: 'failed', error: String(error) }),
    );
  });
}

/**
 * Fires REQUESTS fetches for random devices, CONCURRENCY at a time, and
 * SIGKILLs the child as soon as KILL_AFTER of them have completed with 200.
 */
async function burstAndKill(
  base: string,
  devices: CrashFleetDevice[],
  child: ZtpChild,
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  let ok = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      next++;
      const device = devices[Math.floor(Math.random() * devices.length)];
      const outcome = await fetchConfig(base, device);
      outcomes.push(outcome);
      if (outcome.kind === 'complete' && outcome.status === 200) {
        ok++;
        if (ok === KILL_AFTER) child.process.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return outcomes;
}

/** A PostgreSQL server for the plugin's database (scripts/test.sh sets it). */
const POSTGRES_URL = process.env.ZTP_TEST_POSTGRES_URL;

type CrashCase = [string, 'worker' | 'main-thread', 'sqlite' | 'postgres'];
const cases: CrashCase[] = [
  ['a worker thread', 'worker', 'sqlite'],
  ['the main thread', 'main-thread', 'sqlite'],
];
// Where the tests have a PostgreSQL server (scripts/test.sh starts one).
if (POSTGRES_URL) {
  cases.push(['a worker thread on PostgreSQL', 'worker', 'postgres']);
}

describe('the device door under a crash', () => {
  let dir: string;
  let child: ZtpChild | undefined;
  let db: Knex | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-crash-'));
  });

  afterEach(async () => {
    if (child) await stopZtpChild(child);
    child = undefined;
    await db?.destroy();
    db = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it.each(cases)(
    'on %s, has recorded every fetch that got a complete 200 before a SIGKILL',
    async (_, door, database) => {
      const postgres =
        database === 'postgres'
          ? {
              url: POSTGRES_URL!,
              prefix: `ztp_crash_${process.pid}_${Date.now()}_`,
            }
          : undefined;
      const { entities, devices } = crashFleet(DEVICES);
      fs.writeFileSync(path.join(dir, FLEET_FILE), JSON.stringify(entities));
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;

      child = startZtpChild(dir, port, door, postgres);
      await waitForDoor(base, child, 35_000);
      // The door runs where this case says.
      expect(
        child
          .output()
          .includes(`listening on http://127.0.0.1:${port} on a worker thread`),
      ).toBe(door === 'worker');
      const outcomes = await burstAndKill(base, devices, child);
      expect(await child.exited).toBe('SIGKILL');

      const servedByRef = new Map<string, number>();
      const askedByRef = new Map<string, number>();
      const otherAnswers: string[] = [];
      for (const o of outcomes) {
        const ref = o.device.entityRef;
        askedByRef.set(ref, (askedByRef.get(ref) ?? 0) + 1);
        if (o.kind === 'complete' && o.status === 200) {
          servedByRef.set(ref, (servedByRef.get(ref) ?? 0) + 1);
        } else if (o.kind === 'complete') {
          otherAnswers.push(`${ref}: HTTP ${o.status}`);
        }
      }
      // Until the kill, nothing but complete 200s.
      expect(otherAnswers).toEqual([]);
      const served = [...servedByRef.values()].reduce((a, b) => a + b, 0);
      // The kill really fell in the middle of the burst.
      expect(served).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(outcomes.length - served).toBeGreaterThan(0);

      // The backend comes back on the same database, and its door works.
      child = startZtpChild(dir, port, door, postgres);
      await waitForDoor(base, child, 35_000);

      db = postgres
        ? knexFactory({
            client: 'pg',
            connection: `${postgres.url}/${postgres.prefix}ztp`,
          })
        : knexFactory({
            client: 'better-sqlite3',
            connection: { filename: path.join(dir, ZTP_SQLITE_FILE) },
            useNullAsDefault: true,
          });
      const stores = ztpStoresOn(db);
      const records = new Map(
        (await stores.devices.getDevices([...askedByRef.keys()])).map(d => [
          d.entityRef,
          d,
        ]),
      );
      // On the rows, or logged as repeats not folded yet: durable both.
      const recorded = await recordedFetches(db, [...records.values()]);
      const unrecorded: string[] = [];
      for (const [ref, count] of servedByRef) {
        const device = records.get(ref);
        const fetched = recorded.get(ref) ?? 0;
        // At least every served fetch; at most every fetch that was sent.
        if (
          device?.confMinState !== 'loaded' ||
          !(device.confMinLoadedAt instanceof Date) ||
          device.confMinLoadedFrom !== '127.0.0.1' ||
          fetched < count ||
          fetched > askedByRef.get(ref)!
        ) {
          unrecorded.push(
            `${ref}: ${count} served of ${askedByRef.get(
              ref,
            )} asked, stores says ${
              device?.confMinState
            } with ${fetched} fetches`,
          );
          continue;
        }
        // The timeline has the device's first fetch, written in the same
        // transaction as the count (repeated fetches are summed up later).
        const fetchedEvents = (
          await stores.events.listEvents(ref, 1000)
        ).filter(e => e.type === 'confmin.fetched');
        if (fetchedEvents.length < 1 || fetchedEvents.length > fetched) {
          unrecorded.push(
            `${ref}: ${fetched} fetches counted, ${fetchedEvents.length} on the timeline`,
          );
        }
      }
      expect(unrecorded).toEqual([]);
      // Nothing was recorded for devices nobody asked for.
      const { devices: loaded } = await stores.devices.listDevices({
        confMin: 'loaded',
        limit: 1000,
      });
      expect(
        loaded.map(d => d.entityRef).filter(ref => !askedByRef.has(ref)),
      ).toEqual([]);

      // After the restart a fetch is durable before its response arrives.
      const [ref] = servedByRef.keys();
      const before = (await stores.devices.getDevice(ref))!.confMinFetchCount;
      const mac = devices.find(d => d.entityRef === ref)!.mac;
      const again = await httpGet(`${base}/ztp/config/by-mac/${mac}`);
      expect(again.status).toBe(200);
      expect((await stores.devices.getDevice(ref))!.confMinFetchCount).toBe(
        before + 1,
      );
    },
  );
});
