/*
 * Boots every device of the fleet file with the simulator against the
 * running backend's door, and waits until all are Loaded and all Checked.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { rssMiB, ROOT } = require('./backendProcess.cjs');

/** utime + stime + cutime + cstime of a process, and its parent. */
function procCpu(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((t, i) => t + Number(fields[i]), 0);
  return { ppid: Number(fields[1]), ticks };
}

/**
 * CPU seconds (user + system) a process and all its descendants have used
 * so far: the live ones' own time and what their waited-for children used.
 * The simulator's python3 fork server lives as long as the simulator, so
 * its scripts' time is not in the simulator's own children's time.
 */
function cpuSeconds(root) {
  const tree = new Map();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      tree.set(Number(name), procCpu(name));
    } catch {
      // gone meanwhile
    }
  }
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of tree) {
      if (!inTree.has(pid) && inTree.has(p.ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  let ticks = 0;
  for (const pid of inTree) ticks += tree.get(pid)?.ticks ?? 0;
  return ticks / 100;
}

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function bootFleet(o) {
  const out = fs.openSync(path.join(o.dir, 'simulator.log'), 'a');
  const child = spawn(
    process.execPath,
    [
      ...(o.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${o.profileDir}`] : []),
      path.join(ROOT, 'packages/ztp-simulator/bin/ztp-simulator'),
      '--catalog',
      path.join(o.dir, 'catalog.yaml'),
      '--provisioning-url',
      o.doorUrl,
      '--status-port',
      String(o.statusPort),
      ...(o.scriptSlots ? ['--script-slots', String(o.scriptSlots)] : []),
    ],
    { stdio: ['ignore', out, out], detached: true },
  );
  const start = Date.now();
  let peak = 0;
  let cpu = 0;
  const r = { loaded: 0, checked: 0, load: { start: os.loadavg()[0] } };
  r.load.max = r.load.start;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiB(child.pid));
    cpu = Math.max(cpu, cpuSeconds(child.pid));
    r.load.max = Math.max(r.load.max, os.loadavg()[0]);
  }, 500);
  try {
    const limit = Date.now() + 15 * 60_000;
    let last = 0;
    while (Date.now() < limit) {
      const s = await o.summary();
      r.loaded = s.loaded;
      r.checked = s.checked;
      if (r.loaded >= o.devices && r.allLoaded === undefined) {
        r.allLoaded = Date.now() - start;
      }
      if (r.checked >= o.devices) {
        r.allChecked = Date.now() - start;
        break;
      }
      if (Date.now() - last > 15_000) {
        last = Date.now();
        o.log(`loaded ${s.loaded}, checked ${s.checked}`);
      }
      await new Promise(res => setTimeout(res, 1000));
    }
    const spans = [];
    for (let offset = 0; offset < o.devices; offset += 500) {
      const page = await o.listPage(offset);
      for (const d of page.items) {
        if (d.confMin.loadedAt && d.serial.checkedAt) {
          spans.push(
            Date.parse(d.serial.checkedAt) - Date.parse(d.confMin.loadedAt),
          );
        }
      }
    }
    spans.sort((a, b) => a - b);
    r.p50 = percentile(spans, 0.5);
    r.p99 = percentile(spans, 0.99);
    r.load.end = os.loadavg()[0];
    r.logins = await loginCounts(o.statusPort).catch(e => ({
      error: String(e),
    }));
  } finally {
    clearInterval(sampler);
    r.simulatorCpuS = cpu;
    r.simulatorPeakRss = peak;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  return r;
}

/**
 * SSH logins per device (successful authentications, as the simulated
 * boxes counted them): min, max, total and the devices logged into more
 * than once.
 */
async function loginCounts(statusPort) {
  const res = await fetch(`http://127.0.0.1:${statusPort}/devices`);
  if (!res.ok) throw new Error(`status endpoint: ${res.status}`);
  const devices = await res.json();
  const counts = devices.map(d => d.logins);
  return {
    min: Math.min(...counts),
    max: Math.max(...counts),
    total: counts.reduce((a, b) => a + b, 0),
    moreThanOnce: counts.filter(c => c > 1).length,
    none: counts.filter(c => c === 0).length,
    refused: devices.reduce((a, d) => a + d.refusedLogins, 0),
  };
}

module.exports = { bootFleet };
