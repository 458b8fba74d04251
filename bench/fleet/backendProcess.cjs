/*
 * The portal's real backend (packages/backend: the catalog backend, the ZTP
 * plugin and its catalog module, the app backend serving the production
 * frontend build) started for the fleet benchmark, with its resident memory
 * sampled while it runs.
 */
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');

const ROOT = path.resolve(__dirname, '../..');

/** Resident memory of a process in MiB (0 once it is gone). */
function rssMiB(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

/**
 * glibc's malloc arenas for the backend, as scripts/start.sh and the README's
 * production command set them: MALLOC_ARENA_MAX from the environment, 2 when
 * it is not set, glibc's own default when it is 0.
 */
function mallocArenas() {
  const value = process.env.MALLOC_ARENA_MAX ?? '2';
  return { MALLOC_ARENA_MAX: value === '0' ? undefined : value };
}

/** What the backend runs with, for the report. */
function mallocArenaSetting() {
  return mallocArenas().MALLOC_ARENA_MAX ?? "glibc's default";
}

/** Resolves true once something accepts TCP connections on host:port. */
function tcpOpen(host, port) {
  return new Promise(resolve => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts the backend with the given config files; `log` receives its
 * output. From the TypeScript sources through Backstage's transform, as
 * `yarn start` runs it, or, given `built` (a directory made by
 * packages/backend/scripts/productionBundle.cjs), from the compiled bundle
 * as production runs it. Returns its handle: pid, peak RSS so far, stop().
 */
function startBackend({ configFiles, logFile, env, built }) {
  const out = fs.openSync(logFile, 'a');
  const program = built
    ? [path.join(built, 'packages/backend')]
    : [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs', {
          paths: [ROOT],
        }),
        path.join(ROOT, 'packages/backend/src/index.ts'),
      ];
  const args = [...program, ...configFiles.flatMap(f => ['--config', f])];
  const child = spawn(process.execPath, args, {
    cwd: path.join(ROOT, 'packages/backend'),
    env: { ...process.env, ...mallocArenas(), ...env },
    stdio: ['ignore', out, out],
    detached: true,
  });
  const startedAt = Date.now();
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiB(child.pid));
  }, 250);
  const exited = new Promise(resolve => child.once('exit', resolve));
  return {
    pid: child.pid,
    startedAt,
    exited,
    rss: () => rssMiB(child.pid),
    peakRss: () => peak,
    resetPeak: () => {
      peak = rssMiB(child.pid);
    },
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

module.exports = { startBackend, tcpOpen, rssMiB, mallocArenaSetting, ROOT };
