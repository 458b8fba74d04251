/*
 * Turns the sweeps' JSON lines into the benchmark's Markdown report.
 *
 *   node report.cjs --devices 500 RESULT.json... > report.md
 *
 * Each RESULT.json is one sweep (ztp-sweep.cjs, openssh-sweep.sh,
 * paramiko_sweep.py); RESULT.json.farm, when present, holds the CPU seconds
 * the simulated devices spent during that sweep. The first sweep of each
 * kind names the row; with several rounds every metric is the median over
 * the rounds, and a second table lists each round.
 */
'use strict';

const fs = require('node:fs');

const argv = process.argv.slice(2);
let expected = 0;
const files = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--devices') expected = Number(argv[++i]);
  else files.push(argv[i]);
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function median(values) {
  const sorted = values.filter(v => !Number.isNaN(v)).sort((a, b) => a - b);
  if (!sorted.length) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(file) {
  const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  const farmFile = `${file}.farm`;
  const sorted = [...raw.latencies].sort((a, b) => a - b);
  // Checks that never reported (a sweep cut off by its time limit) failed.
  const missing = Math.max(0, (expected || raw.devices) - raw.devices);
  return {
    kind: raw.kind ?? raw.tool.split(' ')[0],
    tool: raw.tool,
    devices: raw.devices,
    perSecond: raw.devices
      ? (raw.devices - raw.errors) / (raw.wallMs / 1000)
      : 0,
    wallS: raw.wallMs / 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    errors: raw.errors + missing,
    errorSamples: raw.errorSamples ?? [],
    cpuS: raw.cpuSeconds,
    rssMb: raw.maxRssKb / 1024,
    farmCpuS: fs.existsSync(farmFile)
      ? Number(fs.readFileSync(farmFile, 'utf8').trim())
      : NaN,
    note: raw.largestProcessRssKb
      ? `largest single process ${(raw.largestProcessRssKb / 1024).toFixed(
          1,
        )} MB`
      : raw.setupCpuSeconds !== undefined
      ? `${raw.setupCpuSeconds.toFixed(
          2,
        )} s CPU to load the code and run the warm-up check before the sweep (not counted)`
      : undefined,
  };
}

const fmt = (v, digits) => (Number.isNaN(v) ? 'n/a' : v.toFixed(digits));

function table(rows) {
  const lines = [
    '| tool | devices/s | p50 ms | p99 ms | errors | CPU s | max RSS MB | device-side CPU s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.tool} | ${fmt(r.perSecond, 1)} | ${fmt(r.p50, 0)} | ${fmt(
        r.p99,
        0,
      )} | ${r.errors} | ${fmt(r.cpuS, 2)} | ${fmt(r.rssMb, 1)} | ${fmt(
        r.farmCpuS,
        2,
      )} |`,
    );
  }
  return lines.join('\n');
}

const sweeps = files.map(summarize);
const kinds = [...new Set(sweeps.map(s => s.kind))];
const byKind = new Map(kinds.map(k => [k, sweeps.filter(s => s.kind === k)]));
const summary = kinds.map(kind => {
  const runs = byKind.get(kind);
  const pick = key => median(runs.map(r => r[key]));
  return {
    ...runs[0],
    tool: runs[0].tool,
    perSecond: pick('perSecond'),
    p50: pick('p50'),
    p99: pick('p99'),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    cpuS: pick('cpuS'),
    rssMb: pick('rssMb'),
    farmCpuS: pick('farmCpuS'),
  };
});

const out = [];
const rounds = Math.max(...kinds.map(k => byKind.get(k).length));
out.push(
  rounds > 1
    ? `Medians over ${rounds} rounds (errors: total over the rounds)`
    : 'One sweep per tool',
);
out.push('');
out.push(table(summary));
out.push('');

const measured = s => s.devices > 0 && s.perSecond > 0;
for (const ours of summary.filter(
  s => s.kind.startsWith('ZTP') && measured(s),
)) {
  for (const other of summary.filter(
    s => !s.kind.startsWith('ZTP') && measured(s),
  )) {
    out.push(
      `- ${ours.kind}/${other.kind}: ${fmt(
        ours.perSecond / other.perSecond,
        2,
      )}x the devices/s, ${fmt(ours.cpuS / other.cpuS, 2)}x the CPU time, ${fmt(
        ours.p50 / other.p50,
        2,
      )}x the p50 latency`,
    );
  }
}
const ztp = summary.find(s => s.kind === 'ZTP');
if (ztp) {
  const openssh = summary.find(s => s.kind === 'OpenSSH');
  const target = openssh
    ? ztp.perSecond >= openssh.perSecond && ztp.errors === 0
      ? 'met'
      : 'NOT met'
    : 'not measured';
  out.push(
    `- Target (ZTP sweep at least as fast as OpenSSH, no errors): ${target}`,
  );
}
for (const s of summary) if (s.note) out.push(`- ${s.kind}: ${s.note}`);
for (const s of sweeps) {
  for (const sample of s.errorSamples) out.push(`- ${s.kind} error: ${sample}`);
}

if (rounds > 1) {
  out.push('');
  out.push('Every round');
  out.push('');
  out.push(
    table(
      sweeps.map(s => ({
        ...s,
        tool: `${s.kind} (round ${byKind.get(s.kind).indexOf(s) + 1})`,
      })),
    ),
  );
}
process.stdout.write(`${out.join('\n')}\n`);
