/*
 * Summarises a provisioning benchmark run: reads what run.sh left in its
 * temporary directory (wrk-<label>.json from random-device.lua, rss-<label>
 * samples, verify-<label>.json from store-check.cjs, threads-<label>.json from
 * thread-cpu.cjs), prints a Markdown
 * table with the ratios to nginx and the targets, and writes it all to the
 * results file.
 *
 * usage: report.cjs <tmp-dir> <results-file> [key=value ...]
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const [dir, resultsFile, ...facts] = process.argv.slice(2);

const RUNS = [
  { label: 'ztp-door', title: 'ZTP device door (dedicated listener)' },
  { label: 'plugin-router', title: 'ZTP door on the plugin router' },
  { label: 'nginx', title: 'nginx, static files' },
  {
    label: 'bare-node',
    title: 'bare node:http, same files from memory (reference)',
  },
  {
    label: 'node-net-floor-before',
    title:
      'node:net floor, no parser, prepared responses (reference), right before the door',
  },
  {
    label: 'node-net-floor',
    title:
      'node:net floor, no parser, prepared responses (reference), after the door',
  },
];

function readJson(file) {
  return fs.existsSync(file)
    ? JSON.parse(fs.readFileSync(file, 'utf8'))
    : undefined;
}

const runs = new Map();
for (const { label, title } of RUNS) {
  const wrk = readJson(path.join(dir, `wrk-${label}.json`));
  if (!wrk) continue;
  const rssFile = path.join(dir, `rss-${label}`);
  const samples = fs.existsSync(rssFile)
    ? fs.readFileSync(rssFile, 'utf8').split('\n').filter(Boolean).map(Number)
    : [];
  runs.set(label, {
    title,
    rate: wrk.requests / (wrk.durationUs / 1e6),
    wrk,
    socketErrors:
      wrk.connectErrors + wrk.readErrors + wrk.writeErrors + wrk.timeouts,
    maxRssMiB: samples.length ? Math.max(...samples) / 1024 : NaN,
    verify: readJson(path.join(dir, `verify-${label}.json`)),
  });
}

const ms = us => (us / 1000).toFixed(us < 10000 ? 2 : 1);
// wrk leaves responses slower than its timeout out of the latency histogram.
const latency = (r, us) => (r.wrk.maxUs === 0 ? 'n/a (all timed out)' : ms(us));
const lines = [];
lines.push(
  '| Server | Fetches/s | p50 (ms) | p99 (ms) | max (ms) | Non-2xx | Socket errors | Max RSS (MiB) | 200s unrecorded |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
);
for (const r of runs.values()) {
  const unrecorded = r.verify
    ? `${r.verify.unrecorded} of ${r.verify.ok200}`
    : 'n/a';
  lines.push(
    `| ${r.title} | ${Math.round(r.rate)} | ${latency(
      r,
      r.wrk.p50Us,
    )} | ${latency(r, r.wrk.p99Us)} | ${latency(r, r.wrk.maxUs)} | ${
      r.wrk.non2xx
    } | ${r.socketErrors} | ${r.maxRssMiB.toFixed(0)} | ${unrecorded} |`,
  );
}

const nginx = runs.get('nginx');
const door = runs.get('ztp-door');
const p99Of = r => (r.wrk.maxUs === 0 ? Infinity : r.wrk.p99Us);
// The floor runs right before and right after the door (the machine's
// speed drifts within minutes): the door is held to the mean of the two.
const floors = ['node-net-floor-before', 'node-net-floor']
  .map(label => runs.get(label))
  .filter(Boolean);
const mean = values => values.reduce((a, b) => a + b, 0) / values.length;
const floor = floors.length
  ? {
      rate: mean(floors.map(r => r.rate)),
      wrk: { p99Us: mean(floors.map(p99Of)), maxUs: 1 },
    }
  : undefined;
const ratioLines = [];
if (door && floors.length === 2) {
  ratioLines.push(
    `- the node:net floor before and after the door: ${Math.round(
      floors[0].rate,
    )} and ${Math.round(floors[1].rate)} fetches/s, p99 ${ms(
      p99Of(floors[0]),
    )} and ${ms(p99Of(floors[1]))} ms; the door / each: rate ${(
      door.rate / floors[0].rate
    ).toFixed(2)}× and ${(door.rate / floors[1].rate).toFixed(2)}×, p99 ${(
      p99Of(door) / p99Of(floors[0])
    ).toFixed(2)}× and ${(p99Of(door) / p99Of(floors[1])).toFixed(2)}×`,
  );
}
for (const [reference, name] of [
  [floor, 'the node:net floor (mean of before and after)'],
  [nginx, 'nginx'],
]) {
  if (!reference) continue;
  for (const label of ['ztp-door', 'plugin-router', 'bare-node']) {
    const r = runs.get(label);
    if (!r || r === reference) continue;
    ratioLines.push(
      `- ${r.title} / ${name}: rate ${(r.rate / reference.rate).toFixed(
        2,
      )}×, p99 ${(p99Of(r) / p99Of(reference)).toFixed(2)}×`,
    );
  }
}

// RSS of the backend at rest (queue loaded, before any fetch) and its peak
// over the door runs.
const idleFile = path.join(dir, 'rss-idle');
const idleSamples = fs.existsSync(idleFile)
  ? fs.readFileSync(idleFile, 'utf8').split('\n').filter(Boolean).map(Number)
  : [];
const rssIdleMiB = idleSamples.length
  ? idleSamples.reduce((a, b) => a + b, 0) / idleSamples.length / 1024
  : NaN;
const rssPeakMiB = Math.max(
  ...['ztp-door', 'plugin-router']
    .map(label => runs.get(label)?.maxRssMiB)
    .filter(v => v !== undefined && !Number.isNaN(v)),
);
const fact = key =>
  facts.find(f => f.startsWith(`${key}=`))?.slice(key.length + 1) ?? 'n/a';

const verdicts = [];
if (door) {
  const errors = door.wrk.non2xx + door.socketErrors;
  const unrecorded = door.verify ? door.verify.unrecorded : NaN;
  if (floor) {
    const rate = door.rate / floor.rate;
    const p99 = p99Of(door) / p99Of(floor);
    verdicts.push(
      `- rate ≥ 0.8× the node:net floor's (mean of before and after): ${
        rate >= 0.8 ? 'met' : 'NOT met'
      } (${rate.toFixed(2)}×)`,
      `- p99 ≤ 1.5× the node:net floor's (mean of before and after): ${
        p99 <= 1.5 ? 'met' : 'NOT met'
      } (${p99.toFixed(2)}×)`,
    );
  }
  verdicts.push(
    `- no errors: ${errors === 0 ? 'met' : `NOT met (${errors})`}`,
    `- every 200 recorded: ${
      unrecorded === 0 ? 'met' : `NOT met (${unrecorded} devices)`
    }`,
    `- storm peak RSS under 600 MiB: ${
      rssPeakMiB < 600 ? 'met' : 'NOT met'
    } (${rssPeakMiB.toFixed(0)} MiB)`,
  );
}
const backendLines = [
  `- queue build: door open after ${fact(
    'door opened after',
  )}, all devices queued after ${fact('all devices queued after')}`,
  `- backend RSS at rest (queue loaded, before the storm): ${rssIdleMiB.toFixed(
    0,
  )} MiB; peak during the door runs: ${rssPeakMiB.toFixed(0)} MiB`,
  `- SSH logins per device in a fleet boot: ${fact('ssh logins per device')}`,
];

// Where a fetch's CPU goes, per thread (thread-cpu.cjs): the two cores are
// shared by wrk and every thread of the server, so a rate follows the sum.
const us = v => v.toFixed(1);
const cpuLines = [
  'CPU time per fetch, µs (user + system), from /proc over each run:',
  '',
  '| Server | server thread that served | its share of a core | its other threads | server total | wrk | all |',
  '|---|---:|---:|---:|---:|---:|---:|',
];
for (const [label, r] of runs) {
  const t = readJson(path.join(dir, `threads-${label}.json`));
  if (!t) continue;
  const n = r.wrk.requests;
  const seconds = r.wrk.durationUs / 1e6;
  const server = t.threads.filter(x => x.role === 'server');
  const wrkUs = t.threads
    .filter(x => x.role === 'wrk')
    .reduce((a, x) => a + x.userUs + x.sysUs, 0);
  // The thread that served: the door's worker thread in the backend (its
  // busiest thread but the main one), the main thread of a Node reference,
  // nginx's busiest worker process.
  const byCost = [...server].sort(
    (a, b) => b.userUs + b.sysUs - (a.userUs + a.sysUs),
  );
  const served =
    label === 'ztp-door'
      ? byCost.find(x => !(x.main && String(x.pid) === t.serverPid))
      : byCost[0];
  if (!served) continue;
  const servedUs = served.userUs + served.sysUs;
  const totalUs = server.reduce((a, x) => a + x.userUs + x.sysUs, 0);
  cpuLines.push(
    `| ${r.title} | ${us(servedUs / n)} (${us(served.userUs / n)} + ${us(
      served.sysUs / n,
    )}) | ${((100 * servedUs) / 1e6 / seconds).toFixed(0)} % | ${us(
      (totalUs - servedUs) / n,
    )} | ${us(totalUs / n)} | ${us(wrkUs / n)} | ${us(
      (totalUs + wrkUs) / n,
    )} |`,
  );
}
if (cpuLines.length === 4) cpuLines.length = 0;
const doorThreads = readJson(path.join(dir, 'threads-ztp-door.json'));
if (cpuLines.length && doorThreads && door) {
  const n = door.wrk.requests;
  const named = doorThreads.threads
    .filter(x => x.role === 'server' && x.userUs + x.sysUs > 0)
    .sort((a, b) => b.userUs + b.sysUs - (a.userUs + a.sysUs))
    .map(
      x =>
        `${x.main ? 'main thread' : `${x.comm} ${x.tid}`} ${us(
          (x.userUs + x.sysUs) / n,
        )}`,
    );
  cpuLines.push(
    '',
    `The backend's threads in the door's run, µs per fetch: ${named.join(
      ', ',
    )}.`,
  );
}

const cpu = os.cpus();
const header = [
  `Provisioning benchmark, ${new Date().toISOString()}`,
  `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(
    os.totalmem() /
    2 ** 30
  ).toFixed(0)} GiB, Linux ${os.release()}`,
  `Settings: ${facts.join(', ')}`,
  'Load: wrk, every request a new connection (Connection: close) for a random device by MAC; latency from request sent to response complete; responses slower than the wrk timeout count as socket errors (timeouts) and are left out of the latencies.',
];
const text = [
  ...header,
  '',
  ...lines,
  '',
  ...ratioLines,
  '',
  ...backendLines,
  '',
  ...(cpuLines.length ? [...cpuLines, ''] : []),
  'Targets for the ZTP device door:',
  ...verdicts,
  '',
].join('\n');
process.stdout.write(`\n${text}`);
fs.writeFileSync(resultsFile, text);

// The raw wrk outputs, for the record.
const raw = [...runs.keys()]
  .map(label => {
    const file = path.join(dir, `wrk-${label}.txt`);
    return fs.existsSync(file)
      ? `\n--- wrk output, ${label} ---\n${fs.readFileSync(file, 'utf8')}`
      : '';
  })
  .join('');
fs.appendFileSync(resultsFile, raw);
console.log(`Results written to ${resultsFile}`);
