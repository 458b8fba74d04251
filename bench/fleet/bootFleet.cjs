/*
 * Boots every device of the fleet file with the simulator against the
 * running backend's door, and waits until all are Loaded and all Checked.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { rssMiB, ROOT } = require('./backendProcess.cjs');

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime, stime, cutime, cstime (the device scripts' python3 children).
    const ticks = [11, 12, 13, 14].reduce((t, i) => t + Number(fields[i]), 0);
    return ticks / 100;
  } catch {
    return 0;
  }
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
      path.join(ROOT, 'packages/ztp-simulator/bin/ztp-simulator'),
      '--catalog',
      path.join(o.dir, 'catalog.yaml'),
      '--provisioning-url',
      o.doorUrl,
      '--status-port',
      String(o.statusPort),
    ],
    { stdio: ['ignore', out, out], detached: true },
  );
  const start = Date.now();
  let peak = 0;
  let cpu = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiB(child.pid));
    cpu = Math.max(cpu, cpuSeconds(child.pid));
  }, 500);
  const r = { loaded: 0, checked: 0 };
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

module.exports = { bootFleet };
