/*
 * Whether the SQLite fast path of the ZTP stores earns its keep: the three
 * hot writes (recording the door's fetches, claiming serial checks, writing
 * their verdicts) on a SQLite file as the backend opens it (WAL,
 * synchronous NORMAL), once through the fast path (prepared statements in
 * one native transaction per batch) and once through knex as the PostgreSQL
 * path writes them (a statement or transaction per device; for fetches, a
 * knex transaction with an UPDATE per device, as SQLite has no VALUES join).
 * Run with Backstage's TypeScript loader:
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs \
 *     bench/provisioning/store-fast-path.cjs [devices] [batch] [rounds]
 *
 * Prints, per write and path, the median time of a batch and per device.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const knexFactory = require('knex');
const src = '../../plugins/ztp-backend/src/database';
const { migrateZtpDatabase, ztpStoresOn } = require(`${src}/ZtpStores`);

const DEVICES = Number(process.argv[2] ?? 2000);
const BATCH = Number(process.argv[3] ?? 50);
const ROUNDS = Number(process.argv[4] ?? 5);

const refOf = n => `resource:default/bench-${n}`;

function device(n) {
  return {
    entityRef: refOf(n),
    namespace: 'default',
    name: `bench-${n}`,
    platform: 'arista-eos',
    managementAddress: `127.0.${n >> 8}.${n & 255}/16`,
    managementIp: `127.0.${n >> 8}.${n & 255}`,
    sshPort: 22,
    hostname: `bench-${n}`,
    declaredSerial: `SER${n}`,
    serialTemporary: false,
    declarationHash: `h${n}`,
    expectedSerial: `SER${n}`,
    localUsername: `ztp-${n}`,
    localPasswordEnc: 'v1:x:y:z',
    localPasswordHash: '$6$salt$hash',
  };
}

/** The knex way to record fetches on SQLite, for comparison only. */
async function recordFetchesWithKnex(db, fetches) {
  await db.transaction(async tx => {
    for (const f of fetches) {
      await tx('ztp_devices')
        .where({ entity_ref: f.entityRef })
        .update({
          conf_min_state: 'loaded',
          conf_min_loaded_at: f.at,
          conf_min_loaded_from: f.sourceIp,
          updated_at: f.at,
          conf_min_fetch_count: tx.raw('conf_min_fetch_count + 1'),
        });
      await tx('ztp_events').insert({
        entity_ref: f.entityRef,
        at: f.at,
        type: 'confmin.fetched',
        actor: `device:${f.sourceIp}`,
        message: 'fetched',
        details: null,
      });
    }
  });
}

const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function timeBatches(run) {
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < DEVICES; i += BATCH) {
      const refs = [];
      for (let n = i; n < Math.min(i + BATCH, DEVICES); n++)
        refs.push(refOf(n));
      const start = process.hrtime.bigint();
      await run(refs, round);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  return median(times);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-fast-path-'));
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.join(dir, 'ztp.sqlite') },
    useNullAsDefault: true,
  });
  try {
    await db.raw('PRAGMA journal_mode = WAL');
    await db.raw('PRAGMA synchronous = NORMAL');
    await migrateZtpDatabase(db);
    const stores = ztpStoresOn(db);
    for (let i = 0; i < DEVICES; i += 200) {
      const entries = [];
      for (let n = i; n < Math.min(i + 200, DEVICES); n++) {
        entries.push({
          device: device(n),
          event: {
            entityRef: refOf(n),
            type: 'device.added',
            actor: 'system',
            message: 'added',
          },
        });
      }
      await stores.devices.insertDevices(entries);
    }
    const fetchesOf = refs =>
      refs.map(ref => ({
        entityRef: ref,
        sourceIp: '127.0.0.1',
        at: new Date(),
        via: 'bench',
      }));
    const checks = stores.serialChecks;
    const lease = () => new Date(Date.now() + 60_000);
    const completionsOf = (refs, owner) =>
      refs.map(ref => ({
        entityRef: ref,
        owner,
        outcome: { state: 'not-checked', reason: 'refused' },
        event: {
          entityRef: ref,
          type: 'serial.check-failed',
          actor: 'system',
          message: 'refused',
        },
      }));
    const results = [];
    const measure = async (write, pathName, run) => {
      const ms = await timeBatches(run);
      results.push({
        write,
        path: pathName,
        ms,
        perDeviceUs: (ms * 1000) / BATCH,
      });
    };
    await measure('record fetches', 'fast path', refs =>
      stores.fetches.recordFetches(fetchesOf(refs)),
    );
    await measure('record fetches', 'knex', refs =>
      recordFetchesWithKnex(db, fetchesOf(refs)),
    );
    // A claim, then its completion (which gives the lease back), per batch.
    let owner = 0;
    await measure('claim + complete', 'fast path', async refs => {
      const me = `fast-${owner++}`;
      await checks.claimSerialChecks(refs, me, new Date(), lease());
      await checks.completeSerialChecks(completionsOf(refs, me));
    });
    await measure('claim + complete', 'knex', async refs => {
      const me = `knex-${owner++}`;
      await checks.claimOnKnex(refs, me, new Date(), lease(), false);
      await checks.completeOnKnex(completionsOf(refs, me));
    });
    // Claims alone, each with a lease already over, so the next one wins too.
    const over = () => new Date(Date.now() - 1);
    await measure('claim', 'fast path', refs =>
      checks.claimSerialChecks(refs, `fast-${owner++}`, new Date(), over()),
    );
    await measure('claim', 'knex', refs =>
      checks.claimOnKnex(refs, `knex-${owner++}`, new Date(), over(), false),
    );
    console.log(
      `${DEVICES} devices, batches of ${BATCH}, ${ROUNDS} rounds; median per batch`,
    );
    for (const r of results) {
      console.log(
        `${r.write.padEnd(18)} ${r.path.padEnd(10)} ${r.ms
          .toFixed(2)
          .padStart(8)} ms  ${r.perDeviceUs.toFixed(0).padStart(6)} µs/device`,
      );
    }
  } finally {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
