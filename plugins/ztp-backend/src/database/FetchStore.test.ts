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
});
