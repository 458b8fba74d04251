import { TestDatabases } from '@backstage/backend-test-utils';
import { FetchRecorder } from '../door/FetchRecorder';
import { declared, storesFor } from './__testUtils__/storesForTest';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())('FetchStore on %p', id => {
  it('records concurrent fetches once each, in few transactions', async () => {
    const { stores } = await storesFor(databases, id);
    for (let n = 1; n <= 40; n++) {
      await stores.devices.insertDevices([
        {
          device: declared(n),
          event: {
            entityRef: `resource:default/dev-${n}`,
            type: 'device.added',
            actor: 'system',
            message: 'added',
          },
        },
      ]);
    }
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
    await stores.devices.insertDevices([
      {
        device: declared(1),
        event: {
          entityRef: ref,
          type: 'device.added',
          actor: 'system',
          message: 'added',
        },
      },
    ]);
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
    // The four repeats in between were logged; they reach the row folded.
    await recorder.foldAll();

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

  it('logs quiet repeats durably and folds each into its row once, never moving Loaded back', async () => {
    const { knex, stores } = await storesFor(databases, id);
    for (const n of [1, 2]) {
      await stores.devices.insertDevices([
        {
          device: declared(n),
          event: {
            entityRef: `resource:default/dev-${n}`,
            type: 'device.added',
            actor: 'system',
            message: 'added',
          },
        },
      ]);
    }
    const ref = 'resource:default/dev-1';
    const t0 = Date.now() - 60_000;
    const fetchAt = (offsetMs: number, sourceIp: string, repeat: boolean) =>
      stores.fetches.recordFetches([
        {
          entityRef: ref,
          sourceIp,
          at: new Date(t0 + offsetMs),
          via: 'MAC address in the URL',
          ...(repeat && { timeline: false }),
        },
      ]);
    await fetchAt(0, '127.0.10.1', false);
    const loaded = (await stores.devices.getDevice(ref))!;
    for (let i = 1; i <= 30; i++) await fetchAt(i * 100, '127.0.10.1', true);
    // Then a fetch recorded on the row from another address, before a fold.
    await fetchAt(5000, '127.0.10.99', false);

    // Durable in the log, not yet on the row.
    const logged = await knex('ztp_repeated_fetches').sum({ n: 'count' });
    expect(Number(logged[0].n)).toBe(30);
    expect((await stores.devices.getDevice(ref))!.confMinFetchCount).toBe(2);

    // Two doors (replicas) fold at once, in small chunks: each logged fetch
    // is counted once.
    const foldLoop = async () => {
      let folded = 0;
      for (;;) {
        const n = await stores.fetches.foldRepeatedFetches(7);
        folded += n;
        if (n === 0) return folded;
      }
    };
    const [a, b] = await Promise.all([foldLoop(), foldLoop()]);
    expect(a + b).toBe(30);
    expect(
      Number((await knex('ztp_repeated_fetches').count({ n: '*' }))[0].n),
    ).toBe(0);

    const device = (await stores.devices.getDevice(ref))!;
    expect(device.confMinFetchCount).toBe(32);
    // The later direct fetch stays the last one.
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

  it('folds a repeat on its own a moment after it was recorded', async () => {
    const { stores } = await storesFor(databases, id);
    const ref = 'resource:default/dev-3';
    await stores.devices.insertDevices([
      {
        device: declared(3),
        event: {
          entityRef: ref,
          type: 'device.added',
          actor: 'system',
          message: 'added',
        },
      },
    ]);
    const errors: unknown[] = [];
    const recorder = new FetchRecorder(stores.fetches, 1000, 1, {
      intervalMs: 50,
      chunk: 2,
      onError: e => errors.push(e),
    });
    try {
      const fetch = () =>
        recorder.record({
          entityRef: ref,
          sourceIp: '127.0.10.3',
          at: new Date(),
          via: 'MAC address in the URL',
        });
      await fetch();
      for (let i = 0; i < 5; i++) await fetch();
      let count = 0;
      for (let i = 0; i < 100 && count < 6; i++) {
        await new Promise(r => setTimeout(r, 20));
        count = (await stores.devices.getDevice(ref))!.confMinFetchCount;
      }
      expect(count).toBe(6);
      expect(errors).toEqual([]);
    } finally {
      recorder.close();
    }
  });
});
