/*
 * How long the queue's list answers at random instants, on a running
 * portal (a kept fleet served with `run.cjs --dir D --serve`): one request
 * every 100–300 ms, at random, half of them asking for gzip as a browser
 * does, each on a new connection. A request sent right after another one
 * would miss the moments the main thread is busy: only random instants
 * show the tail a user meets.
 *
 * usage: latencyProbe.cjs <portal base URL> [<seconds>] [<path under /api/ztp>]
 * prints p50, p90, p99 and the slowest, in ms, for each kind.
 */
'use strict';

const http = require('node:http');

function ask(url, token, gzip) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    http
      .get(
        url,
        {
          agent: false,
          headers: {
            authorization: `Bearer ${token}`,
            ...(gzip ? { 'accept-encoding': 'gzip' } : {}),
          },
        },
        res => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200
              ? resolve(performance.now() - start)
              : reject(new Error(`${url}: HTTP ${res.statusCode}`)),
          );
        },
      )
      .on('error', reject);
  });
}

function quantiles(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = q => sorted[Math.floor(q * (sorted.length - 1))].toFixed(0);
  return `n=${sorted.length} p50=${at(0.5)} p90=${at(0.9)} p99=${at(
    0.99,
  )} slowest=${at(1)}`;
}

async function main() {
  const [base, seconds = '120', path = '/devices?limit=50&offset=0'] =
    process.argv.slice(2);
  if (!base)
    throw new Error(
      'usage: latencyProbe.cjs <portal base URL> [<seconds>] [<path>]',
    );
  const signIn = await fetch(`${base}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  const token = (await signIn.json()).backstageIdentity.token;
  const url = `${base}/api/ztp${path}`;
  const times = { gzip: [], plain: [] };
  const end = Date.now() + Number(seconds) * 1000;
  while (Date.now() < end) {
    const gzip = Math.random() < 0.5;
    times[gzip ? 'gzip' : 'plain'].push(await ask(url, token, gzip));
    await new Promise(r => setTimeout(r, 100 + Math.random() * 200));
  }
  for (const [kind, values] of Object.entries(times)) {
    console.log(`${path} ${kind}: ${quantiles(values)}`);
  }
}

main().catch(error => {
  console.error(error.message);
  process.exit(1);
});
