/*
 * Diagnostic for run.sh --trace-sql: times every SQLite statement the backend
 * runs (better-sqlite3 executes them synchronously, on the event loop) and,
 * when the process exits, writes the totals per statement to the file named
 * by ZTP_BENCH_SQL_TRACE, slowest first.
 */
'use strict';

const fs = require('node:fs');
const Database = require('better-sqlite3');

const totals = new Map();
const origPrepare = Database.prototype.prepare;

function timed(sql, fn) {
  return function timedStatement(...args) {
    const start = process.hrtime.bigint();
    try {
      return fn.apply(this, args);
    } finally {
      const ns = Number(process.hrtime.bigint() - start);
      const key = sql.replace(/\s+/g, ' ').slice(0, 160);
      const t = totals.get(key) ?? { calls: 0, ms: 0 };
      t.calls += 1;
      t.ms += ns / 1e6;
      totals.set(key, t);
    }
  };
}

Database.prototype.prepare = function prepare(sql, ...rest) {
  const statement = origPrepare.call(this, sql, ...rest);
  for (const method of ['run', 'all', 'get']) {
    statement[method] = timed(sql, statement[method]);
  }
  return statement;
};

process.on('exit', () => {
  const rows = [...totals]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(
      ([sql, t]) =>
        `${t.ms.toFixed(0).padStart(8)} ms ${String(t.calls).padStart(
          8,
        )} calls ${((t.ms / t.calls) * 1000)
          .toFixed(0)
          .padStart(7)} µs/call  ${sql}`,
    );
  fs.writeFileSync(process.env.ZTP_BENCH_SQL_TRACE, `${rows.join('\n')}\n`);
});
