/*
 * Summarises one load of bench/images/run.sh, or (--ratio) compares the
 * door's line with nginx's.
 *
 *   report.cjs <label> <downloads> <size> <start> <end> <rss-before> <rss-samples> <clients>
 *   report.cjs --ratio <report.txt>
 */
'use strict';

const fs = require('node:fs');

const args = process.argv.slice(2);
if (args[0] === '--ratio') {
  const lines = fs.readFileSync(args[1], 'utf8').split('\n');
  const rate = label => {
    const line = lines.find(l => l.startsWith(`${label}:`));
    const m = line && / ([\d.]+) MiB\/s aggregate/.exec(line);
    return m ? Number(m[1]) : undefined;
  };
  const door = rate('ztp-door');
  const nginx = rate('nginx');
  if (door && nginx) {
    console.log(`door/nginx throughput: ${(door / nginx).toFixed(2)}x`);
  }
  process.exit(0);
}

const [
  label,
  file,
  sizeArg,
  startArg,
  endArg,
  beforeFile,
  rssFile,
  clientsArg,
] = args;
const size = Number(sizeArg);
const clients = Number(clientsArg);
const rows = fs
  .readFileSync(file, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map(l => l.split(' '))
  .map(([code, bytes, seconds]) => ({
    code,
    bytes: Number(bytes),
    seconds: Number(seconds),
  }));
const ok = rows.filter(r => r.code === '200' && r.bytes === size);
const errors = clients - ok.length;
const wall = Number(endArg) - Number(startArg);
const total = rows.reduce((sum, r) => sum + r.bytes, 0);
const times = ok.map(r => r.seconds).sort((a, b) => a - b);
const pct = p =>
  times.length
    ? times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]
    : NaN;
const before = Number(fs.readFileSync(beforeFile, 'utf8').trim()) / 1024;
const samples = fs
  .readFileSync(rssFile, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map(Number);
const peak = Math.max(before * 1024, ...samples) / 1024;
const codes = {};
for (const r of rows) codes[r.code] = (codes[r.code] ?? 0) + 1;
console.log(
  `${label}: ${(total / 1048576 / wall).toFixed(
    0,
  )} MiB/s aggregate over ${wall.toFixed(1)} s; per download p50 ${pct(
    50,
  ).toFixed(1)} s, p99 ${pct(99).toFixed(1)} s; RSS ${before.toFixed(
    0,
  )} MiB before, ${peak.toFixed(0)} MiB peak (+${(peak - before).toFixed(
    0,
  )} MiB); errors ${errors}/${clients} (status codes ${JSON.stringify(codes)})`,
);
