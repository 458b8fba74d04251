/*
 * SHA-crypt ($6$, 5,000 rounds) of the ZTP backend against `openssl passwd
 * -6` on this machine: milliseconds per hash, each side hashing the same
 * passwords with the same salt (outputs compared), openssl in one process
 * reading them from stdin so its start-up is spread over all of them.
 * Reports wall time and CPU time (the latter is steadier on a shared
 * machine; openssl's through bash's `times`).
 *
 *   node bench/crypt/sha-crypt.cjs [count]
 *
 * A benchmark, run by hand: the tests check outputs, never timings.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '../..');
require(path.join(
  root,
  'node_modules/@backstage/cli/config/nodeTransform.cjs',
));
const { shaCrypt, loadFastShaCrypt } = require(path.join(
  root,
  'plugins/ztp-backend/src/platforms/common/crypt.ts',
));

const count = Number(process.argv[2] ?? 300);
const salt = 'b3nchS4ltZTPxyz0';
const passwords = Array.from(
  { length: count },
  (_, i) => `Bootstrap-${i}-${(i * 7919).toString(36)}:pw`,
);
const round = (n, digits = 3) => Number(n.toFixed(digits));

function measure() {
  // Warm-up: the JIT.
  for (let i = 0; i < 50; i++) {
    shaCrypt(passwords[i % count], { variant: 'sha512', salt });
  }
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const hashes = passwords.map(p => shaCrypt(p, { variant: 'sha512', salt }));
  const used = process.cpuUsage(cpu);
  return {
    hashes,
    wallMs: Number(process.hrtime.bigint() - wall) / 1e6 / count,
    cpuMs: (used.user + used.system) / 1e3 / count,
  };
}

async function main() {
  // Before loadFastShaCrypt: node:crypto does the rounds.
  const nodeCrypto = measure();
  await loadFastShaCrypt();
  const wasm = measure();
  execFileSync('openssl', ['passwd', '-6', '-salt', salt, 'warm-up']);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sha-crypt-bench-'));
  const input = path.join(dir, 'passwords');
  const output = path.join(dir, 'hashes');
  fs.writeFileSync(input, `${passwords.join('\n')}\n`);
  const started = process.hrtime.bigint();
  // `times` prints the shell's and then its children's user and system time.
  const times = execFileSync('bash', [
    '-c',
    'openssl passwd -6 -salt "$1" -stdin <"$2" >"$3"; times',
    'bench',
    salt,
    input,
    output,
  ])
    .toString()
    .trim()
    .split('\n')[1];
  const opensslWallMs = Number(process.hrtime.bigint() - started) / 1e6 / count;
  const seconds = [...times.matchAll(/(\d+)m([\d.]+)s/g)].map(
    m => Number(m[1]) * 60 + Number(m[2]),
  );
  const opensslCpuMs = ((seconds[0] + seconds[1]) * 1000) / count;
  const theirs = fs.readFileSync(output, 'utf8').trim().split('\n');
  fs.rmSync(dir, { recursive: true, force: true });

  const same = [nodeCrypto, wasm].every(r =>
    r.hashes.every((h, i) => h === theirs[i]),
  );
  const side = r => ({
    wallMsPerHash: round(r.wallMs),
    cpuMsPerHash: round(r.cpuMs),
    ratioToOpenssl: {
      wall: round(r.wallMs / opensslWallMs, 2),
      cpu: round(r.cpuMs / opensslCpuMs, 2),
    },
  });
  console.log(
    JSON.stringify(
      {
        hashes: count,
        backendWasm: side(wasm),
        backendNodeCrypto: side(nodeCrypto),
        openssl: {
          wallMsPerHash: round(opensslWallMs),
          cpuMsPerHash: round(opensslCpuMs),
        },
        sameOutput: same,
        loadAverage: os.loadavg().map(l => round(l, 2)),
      },
      null,
      2,
    ),
  );
  if (!same) process.exitCode = 1;
}

main();
