import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { FetchRecorder } from '../provisioning/FetchRecorder';
import { DatabaseZtpStore } from './DatabaseZtpStore';
import type { DeclaredDevice } from './types';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

function declared(
  n: number,
  overrides: Partial<DeclaredDevice & { expectedSerial: string }> = {},
) {
  return {
    entityRef: `resource:default/dev-${n}`,
    namespace: 'default',
    name: `dev-${n}`,
    site: n % 2 ? 'par1' : 'lon1',
    platform: n % 2 ? 'arista-eos' : 'cisco-iosxe',
    managementAddress: `127.0.10.${n}/24`,
    managementIp: `127.0.10.${n}`,
    defaultGateway: '127.0.10.1',
    sshPort: 22,
    macAddress: `52:54:00:00:00:${n.toString(16).padStart(2, '0')}`,
    hostname: `dev-${n}`,
    serial: `SER${1000 + n}`,
    serialTemporary: false,
    declarationHash: `h${n}`,
    expectedSerial: `SER${1000 + n}`,
    localUsername: `ztp-${n}`,
    localPasswordEnc: 'v1:x:y:z',
    localPasswordHash: '$6$salt$hash',
    ...overrides,
  };
}

async function storeFor(id: TestDatabaseId) {
  const knex = await databases.init(id);
  await DatabaseZtpStore.migrate(knex);
  return { knex, store: new DatabaseZtpStore(knex) };
}

it('runs against PostgreSQL in CI, not only SQLite', () => {
  // scripts/test.sh starts a real PostgreSQL server; without it the
  // PostgreSQL cases below would silently not exist.
  const ids = databases.eachSupportedId().map(([id]) => id);
  const required = process.env.CI ? ['POSTGRES_15', 'SQLITE_3'] : ['SQLITE_3'];
  expect(ids).toEqual(expect.arrayContaining(required));
});

describe.each(databases.eachSupportedId())('DatabaseZtpStore on %p', id => {
  it('migrates up and down cleanly', async () => {
    const { knex } = await storeFor(id);
    expect(await knex.schema.hasTable('ztp_devices')).toBe(true);
    await knex.migrate.rollback(
      { directory: `${__dirname}/../../migrations` },
      true,
    );
    expect(await knex.schema.hasTable('ztp_devices')).toBe(false);
  });

  it('keeps bulk pushes with their results, interruptions and retention', async () => {
    const { store } = await storeFor(id);
    const jobs = store.bulkPushJobStore();
    const t0 = new Date('2026-11-20T10:00:00Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const refs = ['a', 'b', 'c'].map(n => `resource:default/${n}`);
    await jobs.create({
      id: 'job-1',
      actor: 'user:default/operator',
      entityRefs: refs,
      runner: 'replica-1',
      at: t0,
    });
    await jobs.addResult('job-1', { entityRef: refs[1], ok: true }, at(1));
    await jobs.addResult(
      'job-1',
      { entityRef: refs[0], ok: false, error: 'rolled back' },
      at(2),
    );
    expect(await jobs.get('job-1')).toEqual({
      id: 'job-1',
      actor: 'user:default/operator',
      total: 3,
      done: 2,
      failed: 1,
      running: true,
      startedAt: t0.toISOString(),
      finishedAt: undefined,
      results: [
        { entityRef: refs[1], ok: true },
        { entityRef: refs[0], ok: false, error: 'rolled back' },
      ],
    });

    // Heard of 2 s in: not stale at 60 s, stale at 3 min.
    await jobs.heartbeat('replica-1', at(2));
    expect(await jobs.interrupt({ staleBefore: at(0), at: at(60) })).toEqual(
      [],
    );
    expect(await jobs.interrupt({ staleBefore: at(120), at: at(180) })).toEqual(
      ['job-1'],
    );
    expect(await jobs.get('job-1')).toMatchObject({
      running: false,
      finishedAt: at(180).toISOString(),
      interrupted: { notPushed: [refs[2]] },
    });
    // An interrupted job is not finished over.
    await jobs.finish('job-1', at(200));
    expect((await jobs.get('job-1'))!.finishedAt).toBe(at(180).toISOString());

    await jobs.create({
      id: 'job-2',
      actor: 'user:default/operator',
      entityRefs: [refs[0]],
      runner: 'replica-2',
      at: at(10),
    });
    expect(await jobs.prune(at(179))).toBe(0);
    expect(await jobs.prune(at(181))).toBe(1);
    expect(await jobs.get('job-1')).toBeUndefined();
    expect(await jobs.get('job-2')).toMatchObject({ running: true });
  });

  it('keeps the declarations the catalog refused until they are fixed or gone', async () => {
    const { store } = await storeFor(id);
    const problems = store.declarationProblemStore();
    const t0 = new Date('2026-11-20T10:00:00Z');
    const at = (m: number) => new Date(t0.getTime() + m * 60_000);
    await problems.report(
      [
        {
          entityRef: 'resource:default/b',
          location: 'file:/x',
          problems: ['one'],
        },
        { entityRef: 'resource:default/a', problems: ['two', 'three'] },
        { entityRef: 'resource:default/c', problems: [] },
      ],
      t0,
    );
    // Reported again with another problem: first seen stays.
    await problems.report(
      [
        {
          entityRef: 'resource:default/b',
          location: 'file:/x',
          problems: ['four'],
        },
      ],
      at(10),
    );
    expect(await problems.list()).toEqual([
      {
        entityRef: 'resource:default/a',
        location: undefined,
        problems: ['two', 'three'],
        firstSeenAt: t0,
        updatedAt: t0,
      },
      {
        entityRef: 'resource:default/b',
        location: 'file:/x',
        problems: ['four'],
        firstSeenAt: t0,
        updatedAt: at(10),
      },
    ]);
    // Fixed: gone. Not reported for long: gone too.
    await problems.report(
      [{ entityRef: 'resource:default/a', problems: [] }],
      at(11),
    );
    expect(await problems.prune(at(5))).toBe(0);
    expect((await problems.list()).map(p => p.entityRef)).toEqual([
      'resource:default/b',
    ]);
    expect(await problems.prune(at(20))).toBe(1);
    expect(await problems.list()).toEqual([]);
  });

  it('records concurrent fetches once each, in few transactions', async () => {
    const { store } = await storeFor(id);
    for (let n = 1; n <= 40; n++) {
      await store.insertDevice(declared(n), {
        entityRef: `resource:default/dev-${n}`,
        type: 'device.added',
        actor: 'system',
        message: 'added',
      });
    }
    const at = new Date();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.recordFetches([
          {
            entityRef: `resource:default/dev-${i + 1}`,
            sourceIp: `127.0.10.${i + 1}`,
            at,
            via: 'MAC address in the URL',
          },
        ]),
      ),
    );
    const devices = await store.listActiveDevices();
    expect(devices).toHaveLength(40);
    for (const d of devices) {
      expect(d.confMinState).toBe('loaded');
      expect(d.confMinFetchCount).toBe(1);
      expect(d.confMinLoadedFrom).toBe(d.managementIp);
      expect(d.serialNextCheckAt).toBeDefined();
    }
    const events = await store.listEvents('resource:default/dev-7', 10);
    expect(events.map(e => e.type)).toEqual([
      'confmin.fetched',
      'device.added',
    ]);
    expect(events[0].actor).toBe('device:127.0.10.7');
    expect((await store.summary()).loaded).toBe(40);
  });

  it('imports a batch of devices in one call, keeping a returning device', async () => {
    const { store } = await storeFor(id);
    const added = (n: number) => ({
      entityRef: `resource:default/dev-${n}`,
      type: 'device.added' as const,
      actor: 'system',
      message: `added ${n}`,
    });
    await store.insertDevice(declared(1), added(1));
    await store.markRemoved(['resource:default/dev-1'], new Date());
    await store.insertDevices(
      Array.from({ length: 120 }, (_, i) => ({
        device: { ...declared(i + 1), localUsername: `ztp-new-${i + 1}` },
        event: added(i + 1),
      })),
    );
    const devices = await store.listActiveDevices();
    expect(devices).toHaveLength(120);
    // The device that came back kept its account; the others got theirs.
    const byRef = new Map(devices.map(d => [d.entityRef, d]));
    expect(byRef.get('resource:default/dev-1')!.localUsername).toBe(
      declared(1).localUsername,
    );
    expect(byRef.get('resource:default/dev-120')!.localUsername).toBe(
      'ztp-new-120',
    );
    const events = await store.listEvents('resource:default/dev-1', 10);
    expect(events.filter(e => e.type === 'device.added')).toHaveLength(2);
  });

  it('counts every fetch and keeps repeated fetches off the timeline', async () => {
    const { store } = await storeFor(id);
    const ref = 'resource:default/dev-1';
    await store.insertDevice(declared(1), {
      entityRef: ref,
      type: 'device.added',
      actor: 'system',
      message: 'added',
    });
    const recorder = new FetchRecorder(store, 1000, 1);
    const t0 = Date.now();
    const fetch = (offsetMs: number, sourceIp = '127.0.10.1') =>
      recorder.record({
        entityRef: ref,
        sourceIp,
        at: new Date(t0 + offsetMs),
        via: 'MAC address in the URL',
      });
    // A boot loop: five fetches within a minute, then one more later, then
    // one from another address.
    for (const offset of [0, 1000, 2000, 3000, 4000]) await fetch(offset);
    await fetch(61_000);
    await fetch(62_000, '127.0.10.99');

    const device = (await store.getDevice(ref))!;
    expect(device.confMinFetchCount).toBe(7);
    expect(device.confMinLoadedFrom).toBe('127.0.10.99');
    const fetched = (await store.listEvents(ref, 20))
      .filter(e => e.type === 'confmin.fetched')
      .reverse();
    expect(fetched.map(e => e.actor)).toEqual([
      'device:127.0.10.1',
      'device:127.0.10.1',
      'device:127.0.10.99',
    ]);
    expect(fetched[1].message).toMatch(/4 more fetches from there since /);
    expect(fetched[1].details).toMatchObject({ repeatedFetches: 4 });
    expect(fetched[2].message).not.toMatch(/more fetch/);
  });

  it('lets one worker at a time claim a serial check', async () => {
    const { store } = await storeFor(id);
    await store.insertDevice(declared(1), {
      entityRef: 'resource:default/dev-1',
      type: 'device.added',
      actor: 'system',
      message: 'added',
    });
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd'].map(owner =>
        store.claimSerialCheck('resource:default/dev-1', owner, now, until),
      ),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // An expired lease can be taken over.
    const later = new Date(until.getTime() + 1);
    expect(
      await store.claimSerialCheck(
        'resource:default/dev-1',
        'e',
        later,
        new Date(later.getTime() + 1000),
      ),
    ).toMatchObject({
      entityRef: 'resource:default/dev-1',
      serialLeaseUntil: new Date(later.getTime() + 1000),
    });
    await store.completeSerialCheck(
      'resource:default/dev-1',
      'e',
      { state: 'mismatch', presentedSerial: 'REAL123' },
      {
        entityRef: 'resource:default/dev-1',
        type: 'serial.mismatch',
        actor: 'system',
        message: 'mismatch',
      },
    );
    const d = await store.getDevice('resource:default/dev-1');
    expect(d?.serialState).toBe('mismatch');
    expect(d?.presentedSerial).toBe('REAL123');
    expect(d?.serialLeaseUntil).toBeUndefined();
  });

  it('claims and completes serial checks in batches, device by device', async () => {
    const { store } = await storeFor(id);
    const refs = [1, 2, 3].map(n => `resource:default/dev-${n}`);
    for (const n of [1, 2, 3]) {
      await store.insertDevice(declared(n), {
        entityRef: refs[n - 1],
        type: 'device.added',
        actor: 'system',
        message: 'added',
      });
    }
    const now = new Date();
    const until = new Date(now.getTime() + 60_000);
    // dev-2 is already leased by another worker: only it is left out.
    await store.claimSerialCheck(refs[1], 'other', now, until);
    const claimed = await store.claimSerialChecks(
      [refs[2], refs[1], refs[0], 'resource:default/nope'],
      'me',
      now,
      until,
    );
    expect(claimed.map(d => d?.entityRef)).toEqual([
      refs[2],
      undefined,
      refs[0],
      undefined,
    ]);
    await store.completeSerialChecks([
      {
        entityRef: refs[0],
        owner: 'me',
        outcome: { state: 'checked', presentedSerial: 'SER1001' },
        event: {
          entityRef: refs[0],
          type: 'serial.checked',
          actor: 'system',
          message: 'checked',
        },
      },
      // A worker whose lease was lost changes nothing.
      {
        entityRef: refs[1],
        owner: 'me',
        outcome: { state: 'checked', presentedSerial: 'X' },
      },
      {
        entityRef: refs[2],
        owner: 'me',
        outcome: {
          state: 'not-checked',
          reason: 'connection refused',
          nextCheckAt: new Date(now.getTime() + 5000),
        },
      },
    ]);
    const byRef = new Map(
      (await store.getDevices(refs)).map(d => [d.entityRef, d]),
    );
    const [one, two, three] = refs.map(ref => byRef.get(ref)!);
    expect(one).toMatchObject({
      serialState: 'checked',
      presentedSerial: 'SER1001',
      serialAttempts: 0,
    });
    expect(one.serialLeaseUntil).toBeUndefined();
    expect(two).toMatchObject({
      serialState: 'not-checked',
      serialLeaseUntil: until,
    });
    expect(three).toMatchObject({
      serialState: 'not-checked',
      serialReason: 'connection refused',
      serialAttempts: 1,
      serialNextCheckAt: new Date(now.getTime() + 5000),
    });
    expect((await store.listEvents(refs[0], 5)).map(e => e.type)).toContain(
      'serial.checked',
    );
    expect((await store.listEvents(refs[2], 5)).map(e => e.type)).not.toContain(
      'serial.check-failed',
    );
  });

  it('records fetch batches while serial checks of the same devices conclude, without deadlocks', async () => {
    const { store } = await storeFor(id);
    const refs: string[] = [];
    for (let n = 1; n <= 40; n++) {
      refs.push(`resource:default/dev-${n}`);
      await store.insertDevice(declared(n), {
        entityRef: refs[n - 1],
        type: 'device.added',
        actor: 'system',
        message: 'added',
      });
    }
    const shuffled = (list: string[], seed: number) =>
      [...list].sort(
        (a, b) =>
          ((a.length * 31 + a.charCodeAt(a.length - 1) * seed) % 17) -
          ((b.length * 31 + b.charCodeAt(b.length - 1) * seed) % 17),
      );
    // The door locks rows in one order, the checks in others, many times
    // over: on PostgreSQL, transactions holding several rows each would
    // deadlock here.
    for (let round = 1; round <= 15; round++) {
      const now = new Date();
      const until = new Date(now.getTime() + 60_000);
      const claimed = await store.claimSerialChecks(
        shuffled(refs, round),
        `owner-${round}`,
        now,
        until,
      );
      await Promise.all([
        store.recordFetches(
          shuffled(refs, round + 7).map(ref => ({
            entityRef: ref,
            sourceIp: '127.0.10.1',
            at: now,
            via: 'test',
          })),
        ),
        store.completeSerialChecks(
          claimed.filter(Boolean).map(d => ({
            entityRef: d!.entityRef,
            owner: `owner-${round}`,
            outcome: { state: 'not-checked' as const, reason: 'refused' },
            event: {
              entityRef: d!.entityRef,
              type: 'serial.check-failed',
              actor: 'system',
              message: 'refused',
            },
          })),
        ),
      ]);
    }
    const devices = await store.getDevices(refs);
    expect(devices.every(d => d.confMinFetchCount === 15)).toBe(true);
    expect(devices.every(d => d.serialAttempts === 15)).toBe(true);
  });

  it('filters, searches, sorts and pages the queue', async () => {
    const { store } = await storeFor(id);
    for (let n = 1; n <= 12; n++) {
      await store.insertDevice(declared(n), {
        entityRef: `resource:default/dev-${n}`,
        type: 'device.added',
        actor: 'system',
        message: 'added',
      });
    }
    const page = await store.listDevices({
      site: 'par1',
      orderBy: 'name',
      order: 'desc',
      limit: 2,
      offset: 1,
    });
    expect(page.totalCount).toBe(6);
    expect(page.devices.map(d => d.name)).toEqual(['dev-7', 'dev-5']);
    const search = await store.listDevices({ q: 'SER1011' });
    expect(search.devices.map(d => d.name)).toEqual(['dev-11']);
    const percent = await store.listDevices({ q: '%' });
    expect(percent.totalCount).toBe(0);
    expect((await store.facets()).sites).toEqual(['lon1', 'par1']);
    await store.markRemoved(['resource:default/dev-1'], new Date());
    expect((await store.listDevices({})).totalCount).toBe(11);
    expect((await store.listDevices({ includeRemoved: true })).totalCount).toBe(
      12,
    );
    const last = await store.lastEvents([
      'resource:default/dev-1',
      'resource:default/dev-2',
    ]);
    expect(last.get('resource:default/dev-1')?.type).toBe('device.removed');
    expect(last.get('resource:default/dev-2')?.type).toBe('device.added');
  });

  it('keeps serial corrections and counts unknown devices', async () => {
    const { store } = await storeFor(id);
    await store.insertDevice(
      declared(3, {
        serial: 'TEMP-0001',
        expectedSerial: 'TEMP-0001',
        serialTemporary: true,
      }),
      {
        entityRef: 'resource:default/dev-3',
        type: 'device.added',
        actor: 'system',
        message: 'added',
      },
    );
    await store.saveSerialCorrection(
      {
        entityRef: 'resource:default/dev-3',
        serial: 'FOC9999X1AB',
        previousSerial: 'TEMP-0001',
        correctedBy: 'user:default/jane',
        correctedAt: new Date(),
      },
      'TEMP-0001',
      {
        entityRef: 'resource:default/dev-3',
        type: 'serial.corrected',
        actor: 'user:default/jane',
        message: 'corrected',
      },
    );
    const d = await store.getDevice('resource:default/dev-3');
    expect(d?.expectedSerial).toBe('FOC9999X1AB');
    expect(d?.serialTemporary).toBe(false);
    expect(await store.listSerialCorrections()).toEqual([
      expect.objectContaining({
        serial: 'FOC9999X1AB',
        previousSerial: 'TEMP-0001',
      }),
    ]);
    const at = new Date();
    await store.recordUnknownDevices([
      { sourceIp: '127.0.99.1', identifier: 'mac aa', at, count: 3 },
    ]);
    await store.recordUnknownDevices([
      { sourceIp: '127.0.99.1', identifier: 'mac aa', at, count: 2 },
    ]);
    expect(await store.listUnknownDevices(10)).toEqual([
      expect.objectContaining({ sourceIp: '127.0.99.1', count: 5 }),
    ]);
  });
});
