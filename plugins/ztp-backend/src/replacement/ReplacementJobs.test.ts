import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { migrateZtpDatabase, ztpStoresOn } from '../database/ZtpStores';
import { builtinPlatformDrivers } from '../__testUtils__/builtinPlatforms';
import { CredentialVault } from '../credentials/CredentialVault';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { DeviceReplacement } from './DeviceReplacement';
import { ReplacementJobs } from './ReplacementJobs';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const vault = new CredentialVault('replacement-jobs-test-key-0123456');
const ACTOR = 'user:default/jane';
const NAMES = ['leaf-11', 'leaf-12', 'leaf-13'];
const refOf = (name: string) => `resource:default/${name}`;

async function setUp(id: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  const stores = ztpStoresOn(knex);
  await stores.devices.insertDevices(
    NAMES.map((name, i) => ({
      device: {
        entityRef: refOf(name),
        namespace: 'default',
        name,
        platform: 'arista-eos',
        managementAddress: `127.0.11.${i + 1}/24`,
        managementIp: `127.0.11.${i + 1}`,
        sshPort: 22,
        macAddress: `52:54:00:0b:00:0${i + 1}`,
        hostname: name,
        declaredSerial: `SSJ1737000${i + 1}`,
        serialTemporary: false,
        declarationHash: 'h',
        expectedSerial: `SSJ1737000${i + 1}`,
        localUsername: `ztp-old-${i}`,
        localPasswordEnc: vault.encrypt('old-password', refOf(name)),
        localPasswordHash: 'old-hash',
      },
      event: {
        entityRef: refOf(name),
        type: 'device.added',
        actor: 'system',
        message: 'added',
      },
    })),
  );
  const replacement = new DeviceReplacement({
    stores,
    replacements: stores.replacements,
    vault,
    platforms: new PlatformRegistry(builtinPlatformDrivers),
    hasher: { hash: (driver, password) => driver.hashPassword(password) },
    catalog: catalogServiceMock(),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    autoPush: false,
    onChanged: () => {},
  });
  const replaced: string[] = [];
  const counting = {
    replace: (request: Parameters<DeviceReplacement['replace']>[0]) => {
      replaced.push(request.entityRef);
      return replacement.replace(request);
    },
  };
  const replica = () =>
    new ReplacementJobs({
      replacement: counting,
      store: stores.replacementJobs,
      devices: stores.devices,
      logger: mockServices.logger.mock(),
      heartbeatMs: 1000,
    });
  const rows = NAMES.map((name, i) => ({
    entityRef: refOf(name),
    newSerial: `SSJ2000000${i + 1}`,
  }));
  return { stores, replacement, replica, replaced, rows };
}

describe.each(databases.eachSupportedId())('replacement lists on %p', id => {
  it("takes over a dead replica's list and replaces only what it had not reached, no box twice", async () => {
    const { stores, replacement, replica, replaced, rows } = await setUp(id);
    const startedAt = new Date(Date.now() - 10 * 60_000);
    // The dead replica: row 1 done and recorded, row 2 replaced but its
    // result never written (it died in between), row 3 not reached.
    const jobId = await stores.replacementJobs.createJob({
      actor: ACTOR,
      rows,
      runner: 'ztp-dead-replica',
      at: startedAt,
    });
    await replacement.replace({ ...rows[0], actor: ACTOR });
    await stores.replacementJobs.recordResult(jobId, {
      entityRef: rows[0].entityRef,
      ok: true,
    });
    await replacement.replace({ ...rows[1], actor: ACTOR });
    const accountOfRow2 = (await stores.devices.getDevice(rows[1].entityRef))!
      .localUsername;

    const survivor = replica();
    expect(await survivor.sweep()).toEqual([jobId]);
    await survivor.settled();

    expect(replaced).toEqual([rows[2].entityRef]);
    expect(
      (await stores.devices.getDevice(rows[1].entityRef))!.localUsername,
    ).toBe(accountOfRow2);
    expect(
      (await stores.devices.getDevice(rows[2].entityRef))!.expectedSerial,
    ).toBe('SSJ20000003');
    const job = (await survivor.get(jobId))!;
    expect(job).toMatchObject({ total: 3, done: 3, failed: 0, running: false });
    expect(job.results.map(r => r.entityRef).sort()).toEqual(
      rows.map(r => r.entityRef).sort(),
    );
  });

  it('leaves a list whose replica still answers, and gives a dead one to one replica of two', async () => {
    const { stores, replica, rows } = await setUp(id);
    const live = await stores.replacementJobs.createJob({
      actor: ACTOR,
      rows: rows.slice(0, 1),
      runner: 'ztp-live-replica',
      at: new Date(),
    });
    const dead = await stores.replacementJobs.createJob({
      actor: ACTOR,
      rows: rows.slice(1),
      runner: 'ztp-dead-replica',
      at: new Date(Date.now() - 10 * 60_000),
    });
    const [a, b] = [replica(), replica()];
    const taken = await Promise.all([a.sweep(), b.sweep()]);
    expect(taken.flat()).toEqual([dead]);
    await Promise.all([a.settled(), b.settled()]);
    expect((await a.get(live))!.running).toBe(true);
    expect(await a.get(dead)).toMatchObject({ done: 2, running: false });
  });

  it('runs a list it starts to the end and counts a row once', async () => {
    const { stores, replica, replaced, rows } = await setUp(id);
    const jobs = replica();
    const started = await jobs.start(
      rows.map((r, i) => ({ ...r, line: i + 2 })),
      ACTOR,
    );
    expect(started).toMatchObject({ total: 3, running: true });
    await jobs.settled();
    await stores.replacementJobs.recordResult(started.id, {
      entityRef: rows[0].entityRef,
      ok: false,
      error: 'a late duplicate',
    });
    expect(await jobs.get(started.id)).toMatchObject({
      total: 3,
      done: 3,
      failed: 0,
      running: false,
    });
    expect(replaced).toHaveLength(3);
    // Finished: nothing left for a sweep to take.
    expect(await replica().sweep(new Date(Date.now() + 3600_000))).toEqual([]);
  });
});
