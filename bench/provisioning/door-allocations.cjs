/*
 * What the device door's request path allocates per fetch: the door's HTTP
 * listener, handler and fetch recorder (SQLite in a temporary file), as
 * its worker thread runs them, on this thread, loaded by wrk as the
 * benchmark loads the door (500 connections, Connection: close, a random
 * device of 10,000 by MAC). V8's sampling heap profiler runs for the
 * middle of the load, counting the objects already collected too, and the
 * allocation sites are printed by the bytes they allocated. Run with
 * Backstage's TypeScript loader:
 *
 *   node -r ./node_modules/@backstage/cli/config/nodeTransform.cjs \
 *     bench/provisioning/door-allocations.cjs [out.heapprofile] [seconds]
 *
 * The profile opens in Chrome DevTools (Memory, "Load").
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const inspector = require('node:inspector/promises');
const os = require('node:os');
const path = require('node:path');
const knexFactory = require('knex');
const {
  migrateZtpDatabase,
  ztpStoresOn,
} = require('../../plugins/ztp-backend/src/database/ZtpStores');
const {
  DeviceIndex,
} = require('../../plugins/ztp-backend/src/door/DeviceIndex');
const {
  DeviceRequestHandler,
} = require('../../plugins/ztp-backend/src/door/DeviceRequestHandler');
const {
  FetchRecorder,
  repeatFolding,
} = require('../../plugins/ztp-backend/src/door/FetchRecorder');
const {
  DoorHttpServer,
} = require('../../plugins/ztp-backend/src/door/DoorHttpServer');
const {
  UnknownDeviceCounter,
} = require('../../plugins/ztp-backend/src/door/UnknownDeviceCounter');

const DEVICES = 10_000;
const macOf = i =>
  `52:54:00:00:${((i >> 8) & 255).toString(16).padStart(2, '0')}:${(i & 255)
    .toString(16)
    .padStart(2, '0')}`;

const quiet = {
  error: m => console.error(m),
  warn: m => console.error(m),
  info: () => {},
  debug: () => {},
  child: () => quiet,
};

async function main() {
  const [out = 'door-allocations.heapprofile', secondsArg = '8'] =
    process.argv.slice(2);
  const seconds = Number(secondsArg);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-door-alloc-'));
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'ztp.sqlite') },
    useNullAsDefault: true,
  });
  await migrateZtpDatabase(db);
  // As the backend opens its file (WAL) and the door's connection sets it.
  await db.raw('PRAGMA journal_mode = WAL');
  await db.raw('PRAGMA synchronous = NORMAL');
  const stores = ztpStoresOn(db);
  const index = new DeviceIndex();
  for (let i = 0; i < DEVICES; i++) {
    index.upsert({
      entityRef: `resource:default/device-${i}`,
      macAddress: macOf(i),
      hostname: `device-${i}`,
      managementIp: `127.100.${i >> 8}.${i & 255}`,
      expectedSerial: `BENCH${String(i).padStart(6, '0')}`,
      serialState: 'not-checked',
      confMinState: 'loaded',
    });
  }
  const recorder = new FetchRecorder(
    stores.fetches,
    1000,
    5,
    repeatFolding({ otherDoorsMayRun: false, onError: () => {} }),
  );
  // A configuration of the size the benchmark's fleet gets.
  const config = 'interface Management1\n ip address 127.100.0.1/16\n'.repeat(
    12,
  );
  const handler = new DeviceRequestHandler({
    index,
    renderer: { render: () => config },
    recorder,
    unknown: new UnknownDeviceCounter(stores.unknownDevices),
    logger: quiet,
    allowedNetworks: [],
    firstCheckDelayMs: 3000,
    onFetched: () => {},
  });
  const server = new DoorHttpServer({
    host: '127.0.0.1',
    port: 0,
    handler,
    logger: quiet,
  });
  const { port } = await server.start();

  const paths = path.join(dir, 'paths.txt');
  fs.writeFileSync(
    paths,
    Array.from(
      { length: DEVICES },
      (_, i) => `/ztp/config/by-mac/${macOf(i)}\n`,
    ).join(''),
  );
  const session = new inspector.Session();
  session.connect();
  await session.post('HeapProfiler.enable');
  const wrk = spawn(
    'wrk',
    [
      '-t2',
      '-c500',
      `-d${seconds + 4}s`,
      '-s',
      path.join(__dirname, 'random-device.lua'),
      `http://127.0.0.1:${port}`,
    ],
    {
      env: {
        ...process.env,
        ZTP_BENCH_PATHS: paths,
        ZTP_BENCH_PREFIX: '',
        ZTP_BENCH_OUT: path.join(dir, 'wrk'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let wrkOut = '';
  wrk.stdout.on('data', d => (wrkOut += d));
  const wrkDone = new Promise(resolve => wrk.on('close', resolve));

  await new Promise(r => setTimeout(r, 2000));
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 4096,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  const sampledFrom = Date.now();
  await new Promise(r => setTimeout(r, seconds * 1000));
  const { profile } = await session.post('HeapProfiler.stopSampling');
  const sampledMs = Date.now() - sampledFrom;
  await wrkDone;
  fs.writeFileSync(out, JSON.stringify(profile));

  const rate = Number(/Requests\/sec:\s+([\d.]+)/.exec(wrkOut)?.[1] ?? NaN);
  const bySite = new Map();
  let total = 0;
  const walk = node => {
    const f = node.callFrame;
    const site = `${f.functionName || '(anonymous)'} ${f.url
      .split('/')
      .slice(-2)
      .join('/')}:${f.lineNumber + 1}`;
    total += node.selfSize;
    bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(profile.head);
  const fetches = (rate * sampledMs) / 1000;
  console.log(
    `${rate.toFixed(0)} fetches/s; ${(total / fetches / 1024).toFixed(
      1,
    )} KiB allocated a fetch over ${(sampledMs / 1000).toFixed(
      1,
    )} s (profile: ${out})`,
  );
  for (const [site, bytes] of [...bySite]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)) {
    console.log(
      `${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${(bytes / fetches)
        .toFixed(0)
        .padStart(5)} B/fetch  ${site}`,
    );
  }
  session.disconnect();
  await server.stop();
  recorder.close();
  // The last batch is written before the database closes.
  await recorder.foldAll();
  await db.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
