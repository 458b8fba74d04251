import { TestDatabases } from '@backstage/backend-test-utils';
import { FetchRecorder } from '../door/FetchRecorder';
import { addDeclared, storesFor } from './__testUtils__/storesForTest';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())('FetchStore on %p', id => {
  it('records concurrent fetches once each, in few transactions', async () => {
    const { stores } = await storesFor(databases, id);
    await addDeclared(stores, ...Array.from({ length: 40 }, (_, i) => i + 1));
    const at = new Date();
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        stores.fetches.recordFetches([
          {
            entityRef: `resource:default/dev-${i + 1}`,
            sourceIp: `127.0.10.${i + 1}`,
            at,
            via: 'MAC address in the URL',
          },
        ]),
      ),
    );
    const devices = await stores.devices.listActiveDevices();
    expect(devices).toHaveLength(40);
    for (const d of devices) {
      expect(d.confMinState).toBe('loaded');
      expect(d.confMinFetchCount).toBe(1);
      expect(d.confMinLoadedFrom).toBe(d.managementIp);
      expect(d.serialNextCheckAt).toBeDefined();
    }
    const events = await stores.events.listEvents('resource:default/dev-7', 10);
    expect(events.map(e => e.type)).toEqual([
      'confmin.fetched',
      'device.added',
    ]);
    expect(events[0].actor).toBe('device:127.0.10.7');
    expect((await stores.devices.summary()).loaded).toBe(40);
  });

  it('counts every fetch and keeps repeated fetches off the timeline', async () => {
    const { stores } = await storesFor(databases, id);
    const ref = 'resource:default/dev-1';
    await addDeclared(stores, 1);
    const recorder = new FetchRecorder(stores.fetches, 1000, 1);
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

    const device = (await stores.devices.getDevice(ref))!;
    expect(device.confMinFetchCount).toBe(7);
    expect(device.confMinLoadedFrom).toBe('127.0.10.99');
    const fetched = (await stores.events.listEvents(ref, 20))
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

  it("logs a door's quiet repeats under its name and folds them once, never moving Loaded back", async () => {
    const { knex, stores } = await storesFor(databases, id);
    await addDeclared(stores, 1, 2);
    const ref = 'resource:default/dev-1';
    const t0 = Date.now() - 60_000;
    const fetchAt = (offsetMs: number, sourceIp: string, owner?: string) =>
      stores.fetches.recordFetches(
        [
          {
            entityRef: ref,
            sourceIp,
            at: new Date(t0 + offsetMs),
            via: 'MAC address in the URL',
            ...(owner && { timeline: false }),
          },
        ],
        owner ? { logRepeatsAs: owner } : undefined,
      );
    const logged = async (owner: string) =>
      Number(
        (
          await knex('ztp_repeated_fetches')
            .where({ owner })
            .sum({ n: 'count' })
        )[0].n ?? 0,
      );
    await fetchAt(0, '127.0.10.1');
    const loaded = (await stores.devices.getDevice(ref))!;
    for (let i = 1; i <= 30; i++)
      await fetchAt(i * 100, '127.0.10.1', 'door-a');
    // A quiet repeat of a door that does not log is written on the row.
    await stores.fetches.recordFetches([
      {
        entityRef: ref,
        sourceIp: '127.0.10.1',
        at: new Date(t0 + 3100),
        via: 'MAC address in the URL',
        timeline: false,
      },
    ]);
    // Then a fetch recorded on the row from another address, before a fold.
    await fetchAt(5000, '127.0.10.99');

    // Durable in the log, not yet on the row.
    expect(await logged('door-a')).toBe(30);
    expect((await stores.devices.getDevice(ref))!.confMinFetchCount).toBe(3);
    expect(await stores.fetches.loggedRepeatCounts([ref])).toEqual(
      new Map([[ref, 30]]),
    );

    // The door folds what it summed up, and its log goes with it.
    await stores.fetches.foldOwnRepeats('door-a', [
      {
        entityRef: ref,
        count: 30,
        at: new Date(t0 + 3000),
        sourceIp: '127.0.10.1',
        checkAt: new Date(t0 + 3000),
      },
    ]);
    expect(await logged('door-a')).toBe(0);
    const device = (await stores.devices.getDevice(ref))!;
    expect(device.confMinFetchCount).toBe(33);
    // The later fetch on the row stays the last one.
    expect(device.confMinLoadedFrom).toBe('127.0.10.99');
    expect(device.confMinLoadedAt!.getTime()).toBe(t0 + 5000);
    // Nobody else's row moved.
    const other = (await stores.devices.getDevice('resource:default/dev-2'))!;
    expect(other.confMinState).toBe('not-loaded');
    expect(other.confMinFetchCount).toBe(0);
    // A fold of a Loaded device's repeats leaves updated_at alone: the
    // door's reload watches it.
    expect(device.updatedAt.getTime()).toBe(t0 + 5000);
    expect(loaded.updatedAt.getTime()).toBe(t0);
  });

  it("logs a batch of many devices' repeats, each device once with its own values", async () => {
    // 101 devices: more rows than one statement takes, and a remainder.
    const { knex, stores } = await storesFor(databases, id);
    const ns = Array.from({ length: 101 }, (_, i) => i + 1);
    await addDeclared(stores, ...ns);
    const t0 = Date.now() - 60_000;
    const fetches = ns.map(n => ({
      entityRef: `resource:default/dev-${n}`,
      sourceIp: `127.0.${Math.floor(n / 200)}.${n % 200}`,
      at: new Date(t0 + n),
      checkAt: new Date(t0 + 1000 + n),
      via: 'MAC address in the URL',
      timeline: false,
    }));
    const logged = await stores.fetches.recordFetches(fetches, {
      logRepeatsAs: 'door-a',
    });
    expect(logged).toHaveLength(101);
    const rows = await knex('ztp_repeated_fetches')
      .where({ owner: 'door-a' })
      .orderBy('id');
    expect(
      rows.map(r => ({
        ref: r.entity_ref,
        ip: r.source_ip,
        at: new Date(r.at).getTime(),
        checkAt: new Date(r.check_at).getTime(),
        count: Number(r.count),
      })),
    ).toEqual(
      fetches.map(f => ({
        ref: f.entityRef,
        ip: f.sourceIp,
        at: f.at.getTime(),
        checkAt: f.checkAt.getTime(),
        count: 1,
      })),
    );
  });

  it('folds the repeats a stopped door left, once, whoever folds them', async () => {
    const { knex, stores } = await storesFor(databases, id);
    const ref = 'resource:default/dev-4';
    await addDeclared(stores, 4);
    const old = Date.now() - 120_000;
    const repeat = (owner: string, at: number) =>
      stores.fetches.recordFetches(
        [
          {
            entityRef: ref,
            sourceIp: '127.0.10.4',
            at: new Date(at),
            via: 'MAC address in the URL',
            timeline: false,
          },
        ],
        { logRepeatsAs: owner },
      );
    for (let i = 0; i < 9; i++) await repeat('dead-door', old + i);
    await repeat('live-door', old + 100);
    await repeat('dead-door', Date.now() + 60_000);

    // Two doors (replicas) fold at once, in small chunks: each logged
    // fetch older than the limit and not their own is counted once.
    const before = new Date(Date.now() - 60_000);
    const foldLoop = async () => {
      let folded = 0;
      for (;;) {
        const n = await stores.fetches.foldAbandonedRepeats(
          before,
          'live-door',
          2,
        );
        folded += n;
        if (n === 0) return folded;
      }
    };
    const [a, b] = await Promise.all([foldLoop(), foldLoop()]);
    expect(a + b).toBe(9);
    const device = (await stores.devices.getDevice(ref))!;
    expect(device.confMinState).toBe('loaded');
    expect(device.confMinFetchCount).toBe(9);
    expect(device.confMinLoadedAt!.getTime()).toBe(old + 8);
    // The folding door's own repeat, and the recent one, stay logged.
    const left = await knex('ztp_repeated_fetches')
      .select('owner')
      .orderBy('id');
    expect(left.map(r => r.owner)).toEqual(['live-door', 'dead-door']);
  });

  it('a recorder that logs repeats folds them a moment later, and all as it stops', async () => {
    const { knex, stores } = await storesFor(databases, id);
    const ref = 'resource:default/dev-3';
    await addDeclared(stores, 3);
    const errors: unknown[] = [];
    const folding = {
      intervalMs: 50,
      abandonedAfterMs: 0,
      chunk: 2,
      onError: (e: unknown) => errors.push(e),
    };
    const recorder = new FetchRecorder(stores.fetches, 1000, 1, folding);
    const fetch = () =>
      recorder.record({
        entityRef: ref,
        sourceIp: '127.0.10.3',
        at: new Date(),
        via: 'MAC address in the URL',
      });
    const rowCount = async () =>
      (await stores.devices.getDevice(ref))!.confMinFetchCount;
    const logRows = async () =>
      Number((await knex('ztp_repeated_fetches').count({ n: '*' }))[0].n);
    try {
      await fetch();
      for (let i = 0; i < 5; i++) await fetch();
      // Every fetch is durable at any moment: on the row or in the log.
      const logged = Number(
        (await knex('ztp_repeated_fetches').sum({ n: 'count' }))[0].n ?? 0,
      );
      expect((await rowCount()) + logged).toBe(6);
      let count = 0;
      for (let i = 0; i < 100 && count < 6; i++) {
        await new Promise(r => setTimeout(r, 20));
        count = await rowCount();
      }
      expect(count).toBe(6);
      expect(await logRows()).toBe(0);

      // Repeats logged just before a stop are folded by it.
      for (let i = 0; i < 3; i++) await fetch();
      expect(await logRows()).toBeGreaterThan(0);
      recorder.close();
      await recorder.foldAll();
      expect(await rowCount()).toBe(9);
      expect(await logRows()).toBe(0);

      // A recorder that died with repeats logged: the next one folds them
      // before its door opens.
      const dying = new FetchRecorder(stores.fetches, 1000, 1, {
        ...folding,
        intervalMs: 3_600_000,
      });
      const at = new Date();
      await dying.record({
        entityRef: ref,
        sourceIp: '127.0.10.3',
        at,
        via: 'MAC address in the URL',
      });
      await dying.record({
        entityRef: ref,
        sourceIp: '127.0.10.3',
        at,
        via: 'MAC address in the URL',
      });
      dying.close();
      expect(await logRows()).toBe(1);
      expect(await rowCount()).toBe(10);
      const next = new FetchRecorder(stores.fetches, 1000, 1, folding);
      await next.foldAll();
      next.close();
      expect(await rowCount()).toBe(11);
      expect(await logRows()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      recorder.close();
    }
  });
});
