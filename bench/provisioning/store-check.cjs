/*
 * Reads the ZTP store of the benchmark's backend (its SQLite file, or a
 * postgresql:// URL in place of <ztp.sqlite>) through the plugin's own
 * DeviceStore. Run with Backstage's TypeScript loader.
 *
 *   store-check.cjs count <ztp.sqlite>
 *       prints how many devices are in the ZTP queue
 *   store-check.cjs snapshot <ztp.sqlite> <out.json>
 *       saves every device's Conf Min fetch count
 *   store-check.cjs verify <ztp.sqlite> <served-file> [<baseline.json>]
 *       checks that every device that got N complete 200s (lines "name N"
 *       written by random-device.lua) is Loaded with at least
 *       baseline + N fetches recorded (on its row, or logged as repeats
 *       the door has not folded yet); exits 1 otherwise
 */
'use strict';

const fs = require('node:fs');
const { openStoreDb, storeDbExists } = require('./storeDb.cjs');
const {
  DatabaseDeviceStore,
} = require('../../plugins/ztp-backend/src/database/DeviceStore');
const {
  DatabaseFetchStore,
} = require('../../plugins/ztp-backend/src/database/FetchStore');

const refOf = name => `resource:default/${name}`;

async function main() {
  const [mode, file, ...rest] = process.argv.slice(2);
  if (!mode || !file || !storeDbExists(file)) {
    console.error(
      'usage: store-check.cjs count|snapshot|verify <ztp.sqlite> ...',
    );
    process.exit(2);
  }
  const db = openStoreDb(file, { readonly: true });
  const deviceStore = new DatabaseDeviceStore(db);
  const fetchStore = new DatabaseFetchStore(db);
  try {
    if (mode === 'count') {
      console.log((await deviceStore.summary()).total);
    } else if (mode === 'snapshot') {
      const counts = {};
      const devices = await deviceStore.listActiveDevices();
      // Repeats the door has logged and not folded yet count too.
      const logged = await fetchStore.loggedRepeatCounts(
        devices.map(d => d.entityRef),
      );
      for (const d of devices) {
        counts[d.entityRef] =
          d.confMinFetchCount + (logged.get(d.entityRef) ?? 0);
      }
      fs.writeFileSync(rest[0], JSON.stringify(counts));
    } else if (mode === 'verify') {
      const served = fs
        .readFileSync(rest[0], 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(line => line.split(' '))
        .map(([name, n]) => ({ ref: refOf(name), n: Number(n) }));
      const baseline = rest[1]
        ? JSON.parse(fs.readFileSync(rest[1], 'utf8'))
        : {};
      const devices = new Map(
        (await deviceStore.getDevices(served.map(s => s.ref))).map(d => [
          d.entityRef,
          d,
        ]),
      );
      const logged = await fetchStore.loggedRepeatCounts(
        served.map(s => s.ref),
      );
      const problems = [];
      let ok200 = 0;
      for (const { ref, n } of served) {
        ok200 += n;
        const d = devices.get(ref);
        const expected = (baseline[ref] ?? 0) + n;
        if (!d) problems.push(`${ref}: not in the store`);
        else if (d.confMinState !== 'loaded')
          problems.push(`${ref}: Conf Min is ${d.confMinState}`);
        else if (d.confMinFetchCount + (logged.get(ref) ?? 0) < expected)
          problems.push(
            `${ref}: ${d.confMinFetchCount} fetches recorded (and ${
              logged.get(ref) ?? 0
            } logged), ${expected} expected at least`,
          );
      }
      console.log(
        JSON.stringify({
          devicesServed: served.length,
          ok200,
          unrecorded: problems.length,
          examples: problems.slice(0, 5),
        }),
      );
      if (problems.length) process.exitCode = 1;
    } else {
      console.error(`unknown mode ${mode}`);
      process.exitCode = 2;
    }
  } finally {
    await db.destroy();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
