#!/usr/bin/env node
/*
 * The path a user runs, measured on the portal's real backend: a catalog
 * file of N devices → every device in the catalog → every device in the
 * ZTP queue → the search plugin's collation of the full catalog (as a
 * backend that has run ten minutes has had it) → the backend's memory
 * idle → the dashboard in Chromium → a
 * restart with the full queue until the device door opens.
 *
 * With --boot, the simulator then boots every device and the run waits
 * until all are Loaded and Checked.
 *
 * usage: run.cjs [--devices N] [--port P] [--boot] [--keep] [--no-dashboard] [--no-restart]
 *               [--built]
 *               [--dir D] [--serve]
 *                [--no-settle] [--profile-simulator] [--serial-check-concurrency N]
 *                [--script-slots N]
 * MALLOC_ARENA_MAX in the environment sets the backend's (2 when not set,
 * as scripts/start.sh does; 0 leaves glibc's default).
 * --built runs the backend from its production bundle (yarn build:backend,
 * compiled JavaScript) instead of the TypeScript sources through Backstage's
 * transform, as `yarn start` does;
 * --no-settle skips the 3-minute settled-memory samples (for boot runs);
 * --profile-simulator writes the simulator's V8 CPU profile to
 * $TMPDIR/ztp-fleet-simulator-profile.
 * Ports P, P+1 (device door) and P+2 (simulator status; default P 27010), SQLite in a
 * temporary directory, everything on 127.0.0.1; prints a Markdown summary
 * and writes it to bench/results/fleet-<date>.md.
 *
 * To measure the dashboard again and again without ingesting the fleet each
 * time: `--keep` leaves the directory, `--dir D` starts the backend on a kept
 * one (its catalog, configuration and SQLite: the queue is full within
 * seconds; its number of devices is the fleet's own), and `--serve` skips the memory samples and the restart and keeps
 * the backend up after the dashboard until Ctrl-C, for
 * `node bench/fleet/dashboard.cjs http://127.0.0.1:P` (a rebuilt frontend
 * needs a new start: the backend reads the build's index.html once).
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const {
  startBackend,
  tcpOpen,
  mallocArenaSetting,
  ROOT,
} = require('./backendProcess.cjs');
const {
  buildBackendBundle,
  unpackBackendBundle,
} = require('../../packages/backend/scripts/productionBundle.cjs');
const { bootFleet } = require('./bootFleet.cjs');
const { measureDashboard } = require('./dashboard.cjs');

const args = process.argv.slice(2);

/** The comment at the top of this file: what it does and its options. */
function usage() {
  const [, comment] = fs.readFileSync(__filename, 'utf8').split(/\/\*|\*\//);
  return comment.replace(/^ \* ?/gm, '').trim();
}
const FLAGS = [
  '--boot',
  '--built',
  '--keep',
  '--no-dashboard',
  '--no-restart',
  '--no-settle',
  '--profile-simulator',
  '--serve',
];
const WITH_VALUE = [
  '--devices',
  '--dir',
  '--port',
  '--script-slots',
  '--serial-check-concurrency',
];
// A mistyped option would otherwise run a whole benchmark without it.
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--help' || args[i] === '-h') {
    console.log(usage());
    process.exit(0);
  }
  if (WITH_VALUE.includes(args[i]) && i + 1 < args.length) i++;
  else if (!FLAGS.includes(args[i])) {
    console.error(`run.cjs: unknown option "${args[i]}"\n\n${usage()}`);
    process.exit(2);
  }
}
const opt = name => args.includes(name);
const value = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
/** How many devices a kept fleet was made with: one door path each. */
function keptFleetSize(dir) {
  try {
    return fs
      .readFileSync(path.join(dir, 'paths.txt'), 'utf8')
      .split('\n')
      .filter(Boolean).length;
  } catch {
    return undefined;
  }
}
// A kept fleet is reported (and its results named) by its own size.
const devices = Number(
  value('--devices', (value('--dir') && keptFleetSize(value('--dir'))) || 1000),
);
const PORT = Number(value('--port', 27010));
const DOOR_PORT = PORT + 1;
// Serial checks at once, when not the backend's default (for comparisons).
const CHECK_CONCURRENCY = value('--serial-check-concurrency', undefined);
const BASE = `http://127.0.0.1:${PORT}`;

const sleep = ms => new Promise(r => setTimeout(r, ms));
const secs = ms =>
  ms === undefined || Number.isNaN(ms)
    ? 'not reached'
    : `${(ms / 1000).toFixed(1)} s`;
const log = (...m) =>
  console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...m);

function writeConfig(dir) {
  const file = path.join(dir, 'bench-config.yaml');
  fs.writeFileSync(
    file,
    `app:
  baseUrl: ${BASE}
backend:
  baseUrl: ${BASE}
  listen: { host: 127.0.0.1, port: ${PORT} }
  cors: { origin: ${BASE} }
  database:
    client: better-sqlite3
    connection: { directory: ${path.join(dir, 'sqlite')} }
catalog:
  locations:
    - type: file
      target: ${path.join(dir, 'catalog.yaml')}
    - type: file
      target: ${path.join(ROOT, 'examples/org.yaml')}
      rules: [{ allow: [User, Group] }]
ztp:
  secrets:
    key: ${crypto.randomBytes(32).toString('base64')}
  # HTTP only: port 69 stays the portal's
  provisioning: { host: 127.0.0.1, port: ${DOOR_PORT}, tftp: { enabled: false } }
${
  CHECK_CONCURRENCY
    ? `  serialCheck: { concurrency: ${Number(CHECK_CONCURRENCY)} }\n`
    : ''
}  scaffolder:
    localCatalogFile: ${path.join(dir, 'declared-devices.yaml')}
`,
  );
  return file;
}

async function guestToken() {
  const res = await fetch(`${BASE}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in: ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

async function getJson(url, token) {
  const res = await fetch(`${BASE}${url}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res.json();
}

/** Waits until fn() is true, polling; returns when (ms since epoch). */
async function waitFor(fn, { every = 1000, timeoutMs, what }) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await fn()) return Date.now();
    } catch {
      // not up yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

async function main() {
  const kept = value('--dir');
  if (kept && !fs.existsSync(path.join(kept, 'bench-config.yaml'))) {
    throw new Error(
      `--dir ${kept} is not a kept fleet (no bench-config.yaml): run with --keep first, it prints the folder to use`,
    );
  }
  const dir =
    kept ?? fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-fleet-bench-'));
  let config = path.join(dir, 'bench-config.yaml');
  if (!kept) {
    fs.mkdirSync(path.join(dir, 'sqlite'));
    execFileSync(process.execPath, [
      path.join(ROOT, 'bench/provisioning/generate-fleet.cjs'),
      dir,
      String(devices),
    ]);
    config = writeConfig(dir);
  }
  const configFiles = [path.join(ROOT, 'app-config.yaml'), config];
  const logFile = path.join(dir, 'backend.log');
  const result = {
    devices,
    load: os.loadavg()[0].toFixed(2),
    serialCheckConcurrency: CHECK_CONCURRENCY ?? 'default',
    scriptSlots: value('--script-slots', 'default'),
  };
  log(`fleet of ${devices} in ${dir}; load ${result.load}`);

  // The guest sign-in, as `yarn start` gives it.
  const env = { NODE_ENV: 'development' };
  if (opt('--built')) log('building the backend (yarn build:backend)');
  const built = opt('--built')
    ? unpackBackendBundle(buildBackendBundle())
    : undefined;
  result.backend = `${
    built ? 'built (production bundle)' : 'from source'
  }, MALLOC_ARENA_MAX ${mallocArenaSetting()}`;
  let backend = startBackend({ configFiles, logFile, env, built });
  try {
    const up = await waitFor(() => tcpOpen('127.0.0.1', PORT), {
      every: 200,
      timeoutMs: 180_000,
      what: 'the backend',
    });
    result.backendUp = up - backend.startedAt;
    let token;
    await waitFor(async () => (token = await guestToken()), {
      every: 200,
      timeoutMs: 180_000,
      what: 'the guest sign-in',
    });
    result.backendReady = Date.now() - backend.startedAt;
    let catalogFull;
    let inCatalog = 0;
    let inQueue = 0;
    const queueFull = await waitFor(
      async () => {
        if (!catalogFull) {
          const page = await getJson(
            '/api/catalog/entities/by-query?filter=kind=resource,spec.type=network-device&limit=1&fields=metadata.name',
            token,
          );
          inCatalog = page.totalItems;
          if (inCatalog >= devices) catalogFull = Date.now();
        }
        const list = await getJson('/api/ztp/devices?limit=1', token);
        inQueue = list.summary.total;
        return inQueue >= devices;
      },
      { timeoutMs: 3_600_000, what: 'the queue' },
    );
    log(`catalog ${inCatalog}, queue ${inQueue}`);
    result.catalogFull = catalogFull - backend.startedAt;
    result.queueFull = queueFull - backend.startedAt;
    result.catalogToQueue = Math.max(0, queueFull - catalogFull);
    result.peakRssLoading = backend.peakRss();

    // The search plugin's collation of the full catalog, as a backend that
    // has run ten minutes has had: the first one ran 3 s after start, on a
    // nearly empty catalog, and the next is due 10 minutes later.
    result.searchCollation = await collateCatalogForSearch(token).catch(e =>
      log(`search collation: ${e}`),
    );

    if (!opt('--serve')) {
      // Idle: the queue full, nothing booting, the sync running on schedule.
      await sleep(30_000);
      result.idleRss = backend.rss();
      // Settled: the ingestion's garbage collected, the periodic work alone
      // (sampled every 5 s for the minute after the third minute).
      const settled = [];
      if (!opt('--no-settle')) await sleep(150_000);
      for (let i = 0; i < (opt('--no-settle') ? 1 : 12); i++) {
        settled.push(backend.rss());
        await sleep(5_000);
      }
      const sorted = [...settled].sort((x, y) => x - y);
      result.settledRss = {
        min: sorted[0],
        median: sorted[Math.floor(sorted.length / 2)],
        max: sorted[sorted.length - 1],
        samples: settled.map(v => Math.round(v)),
      };
    }

    if (!opt('--no-dashboard')) {
      log('dashboard');
      result.dashboard = await measureDashboard(BASE, 'bench-00042').catch(
        e => ({ error: String(e).split('\n')[0] }),
      );
      const list = await timed(() =>
        getJson('/api/ztp/devices?limit=50', token),
      );
      result.listRequest = list;
      const search = await timed(() =>
        getJson('/api/ztp/devices?limit=50&q=52:54:00:00:00:2a', token),
      );
      result.searchRequest = search;
    }
    if (opt('--boot')) {
      log('boot');
      backend.resetPeak();
      result.boot = await bootFleet({
        dir,
        devices,
        doorUrl: `http://127.0.0.1:${DOOR_PORT}`,
        statusPort: PORT + 2,
        scriptSlots: value('--script-slots', undefined),
        profileDir: opt('--profile-simulator')
          ? path.join(os.tmpdir(), 'ztp-fleet-simulator-profile')
          : undefined,
        summary: async () =>
          (
            await getJson('/api/ztp/devices?limit=1', token)
          ).summary,
        listPage: offset =>
          getJson(`/api/ztp/devices?limit=500&offset=${offset}`, token),
        log,
      });
      result.boot.backendPeakRss = backend.peakRss();
    }
    if (opt('--serve')) {
      log(`serving on ${BASE} (pid ${backend.pid}); Ctrl-C stops it`);
      console.log(JSON.stringify(result));
      await new Promise(resolve => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
    } else if (!opt('--no-restart')) {
      log('restart');
      await backend.stop();
      backend = startBackend({ configFiles, logFile, env, built });
      const doorOpen = await waitFor(() => tcpOpen('127.0.0.1', DOOR_PORT), {
        every: 100,
        timeoutMs: 300_000,
        what: 'the door',
      });
      result.restartDoorOpen = doorOpen - backend.startedAt;
      // The door serves a device from the restored queue.
      const res = await fetch(
        `http://127.0.0.1:${DOOR_PORT}/ztp/config/by-mac/52:54:00:00:00:07`,
      );
      result.restartDoorStatus = res.status;
      await sleep(20_000);
      result.restartRss = backend.rss();
    }
  } finally {
    await backend.stop();
    if (built) fs.rmSync(built, { recursive: true, force: true });
    if (!opt('--keep') && !kept) {
      fs.rmSync(dir, { recursive: true, force: true });
    } else log(`kept ${dir}`);
  }
  return result;
}

/** Runs the catalog's search collation now; resolves its time in ms. */
async function collateCatalogForSearch(token) {
  const tasks = `${BASE}/api/search/.backstage/scheduler/v1/tasks`;
  const id = 'search_index_software_catalog';
  const headers = { authorization: `Bearer ${token}` };
  // The task table keeps seconds: a run ended in this second counts.
  const since = Date.now() - 1000;
  const res = await fetch(`${tasks}/${id}/trigger`, {
    method: 'POST',
    headers,
  });
  if (!res.ok) throw new Error(`trigger ${id}: ${res.status}`);
  const ended = await waitFor(
    async () => {
      const list = await (await fetch(tasks, { headers })).json();
      const state = list.tasks.find(t => t.taskId === id)?.taskState;
      return (
        state?.status === 'idle' &&
        Date.parse(state.lastRunEndedAt ?? 0) >= since
      );
    },
    { every: 500, timeoutMs: 900_000, what: 'the search collation' },
  );
  return ended - since - 1000;
}

async function timed(fn) {
  const times = [];
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[2]);
}

function report(r) {
  const d = r.dashboard;
  const lines = [
    `Fleet benchmark, ${r.devices} devices (real backend ${r.backend}, SQLite; load average ${r.load} at the start, machine shared; serial-check concurrency ${r.serialCheckConcurrency}; simulator script slots ${r.scriptSlots})`,
    '',
    '| what | measured |',
    '| --- | --- |',
    `| backend up (port open) | ${secs(r.backendUp)} |`,
    `| backend ready (sign-in answers) | ${secs(r.backendReady)} |`,
    `| every device in the catalog | ${secs(r.catalogFull)} after start |`,
    `| every device in the ZTP queue | ${secs(r.queueFull)} after start |`,
    `| catalog full → queue full | ${secs(r.catalogToQueue)} |`,
    `| RSS peak while loading | ${r.peakRssLoading.toFixed(0)} MiB |`,
    `| search collation of the full catalog, then the samples below | ${
      r.searchCollation === undefined ? 'failed' : secs(r.searchCollation)
    } |`,
  ];
  if (r.settledRss) {
    lines.push(
      `| RSS idle (queue full, 30 s later) | ${r.idleRss.toFixed(0)} MiB |`,
      `| RSS settled (3–4 min after the queue was full), min–max (median) | ${r.settledRss.min.toFixed(
        0,
      )}–${r.settledRss.max.toFixed(0)} (${r.settledRss.median.toFixed(
        0,
      )}) MiB; every 5 s: ${r.settledRss.samples.join(', ')} |`,
    );
  }
  if (d?.error) lines.push(`| dashboard | failed: ${d.error} |`);
  else if (d) {
    lines.push(
      `| dashboard: sign-in → first rows (cold bundle) | ${d.signInToRows} ms |`,
      `| dashboard: load of /ztp → first rows (3 loads) | ${d.firstRender.join(
        ', ',
      )} ms |`,
      `| search typed → its row alone; cleared → rows | ${d.searches.join(
        ', ',
      )} ms |`,
      `| the same, in the page: input event → the frame drawing the rows | ${d.searchesInPage.join(
        ', ',
      )} ms |`,
      `| platform filter chosen → its rows | ${d.filters.join(', ')} ms |`,
      `| the same, in the page: click event → the frame drawing the rows | ${d.filtersInPage.join(
        ', ',
      )} ms |`,
      `| platform option shown (menu opening) → its rows | ${d.filtersFromMenu.join(
        ', ',
      )} ms |`,
      `| GET /devices?limit=50 (median of 5) | ${r.listRequest} ms |`,
      `| GET /devices?q=<mac> (median of 5) | ${r.searchRequest} ms |`,
    );
  }
  const b = r.boot;
  if (b) {
    lines.push(
      `| simulator boot → all Loaded | ${secs(b.allLoaded)} (${b.loaded}/${
        r.devices
      }) |`,
      `| simulator boot → all Checked | ${secs(b.allChecked)} (${b.checked}/${
        r.devices
      }) |`,
      `| Loaded → Checked per device, p50 / p99 | ${secs(b.p50)} / ${secs(
        b.p99,
      )} |`,
      `| backend RSS peak during the boot | ${b.backendPeakRss.toFixed(
        0,
      )} MiB |`,
      `| SSH logins per device (min / max; total; devices logged into more than once; refused) | ${
        b.logins.error ??
        `${b.logins.min} / ${b.logins.max}; ${b.logins.total}; ${b.logins.moreThanOnce}; ${b.logins.refused}`
      } |`,
      `| load average (1 min) at the boot's start / highest / end | ${b.load.start.toFixed(
        1,
      )} / ${b.load.max.toFixed(1)} / ${b.load.end?.toFixed(1)} |`,
      `| simulator: CPU, RSS peak | ${b.simulatorCpuS.toFixed(0)} s CPU (${(
        (b.simulatorCpuS * 1000) /
        r.devices
      ).toFixed(0)} ms per device), ${b.simulatorPeakRss.toFixed(0)} MiB |`,
    );
  }
  if (r.restartDoorOpen !== undefined) {
    lines.push(
      `| restart with the full queue → door open | ${secs(
        r.restartDoorOpen,
      )} (first fetch: HTTP ${r.restartDoorStatus}) |`,
      `| RSS 20 s after the restart | ${r.restartRss.toFixed(0)} MiB |`,
    );
  }
  return lines.join('\n');
}

main()
  .then(r => {
    const text = report(r);
    console.log(text);
    const out = path.join(ROOT, 'bench/results');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(
      path.join(
        out,
        `fleet-${r.devices}-${new Date().toISOString().slice(0, 16)}.md`,
      ),
      `${text}\n\n${JSON.stringify(r)}\n`,
    );
  })
  .catch(e => {
    console.error(e);
    process.exit(1);
  });
