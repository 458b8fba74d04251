/*
 * The CPU time of every thread of a server (and of its child processes, as
 * nginx's workers) and of wrk over one load run, read from /proc: where a
 * fetch's cost goes, per thread, without a profiler slowing anything down.
 * The two cores are shared by wrk and the server's threads, so a server's
 * rate follows what a fetch costs all of them together.
 *
 * usage: thread-cpu.cjs <out.json> <server-pid> <wrk-pid>
 * Samples every 200 ms until wrk exits, then writes each thread's user and
 * system time over the run (the last sample before wrk exited).
 */
'use strict';

const fs = require('node:fs');

const [outFile, serverPid, wrkPid] = process.argv.slice(2);
// Linux reports thread times in clock ticks of 1/100 s (USER_HZ) everywhere.
const TICK_US = 10_000;

/** Every thread of pid and of its children: tid → {pid, comm, user, sys}. */
function threadsOf(pid, into, role) {
  let tids;
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return;
  }
  for (const tid of tids) {
    let stat;
    try {
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The name may hold spaces and parentheses: fields follow the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    into.set(`${pid}/${tid}`, {
      role,
      pid: Number(pid),
      tid: Number(tid),
      comm,
      user: Number(fields[11]),
      sys: Number(fields[12]),
    });
    let children = '';
    try {
      children = fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      // gone meanwhile
    }
    for (const child of children.split(' ').filter(Boolean)) {
      threadsOf(child, into, role);
    }
  }
}

function sample() {
  const threads = new Map();
  threadsOf(serverPid, threads, 'server');
  threadsOf(wrkPid, threads, 'wrk');
  return threads;
}

const first = sample();
// Each thread as last seen: a thread that exits (wrk's, as wrk finishes)
// keeps its last sample rather than dropping out of the sum.
const last = new Map(first);
const timer = setInterval(() => {
  const now = sample();
  for (const [key, thread] of now) last.set(key, thread);
  if ([...now.values()].some(t => t.role === 'wrk')) return;
  clearInterval(timer);
  const threads = [];
  for (const [key, t] of last) {
    const before = first.get(key);
    threads.push({
      role: t.role,
      pid: t.pid,
      tid: t.tid,
      comm: t.comm,
      main: t.pid === t.tid,
      userUs: (t.user - (before?.user ?? 0)) * TICK_US,
      sysUs: (t.sys - (before?.sys ?? 0)) * TICK_US,
    });
  }
  fs.writeFileSync(outFile, JSON.stringify({ serverPid, threads }, null, 1));
}, 200);
