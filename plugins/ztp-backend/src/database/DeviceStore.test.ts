import { TestDatabases } from '@backstage/backend-test-utils';
import {
  addDeclared,
  declared,
  storesFor,
} from './__testUtils__/storesForTest';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())('DeviceStore on %p', id => {
  it('imports a batch of devices in one call, keeping a returning device', async () => {
    const { stores } = await storesFor(databases, id);
    const added = (n: number) => ({
      entityRef: `resource:default/dev-${n}`,
      type: 'device.added' as const,
      actor: 'system',
      message: `added ${n}`,
    });
    await stores.devices.insertDevices([
      { device: declared(1), event: added(1) },
    ]);
    await stores.devices.markRemoved(['resource:default/dev-1'], new Date());
    await stores.devices.insertDevices(
      Array.from({ length: 120 }, (_, i) => ({
        device: { ...declared(i + 1), localUsername: `ztp-new-${i + 1}` },
        event: added(i + 1),
      })),
    );
    const devices = await stores.devices.listActiveDevices();
    expect(devices).toHaveLength(120);
    // The device that came back kept its account; the others got theirs.
    const byRef = new Map(devices.map(d => [d.entityRef, d]));
    expect(byRef.get('resource:default/dev-1')!.localUsername).toBe(
      declared(1).localUsername,
    );
    expect(byRef.get('resource:default/dev-120')!.localUsername).toBe(
      'ztp-new-120',
    );
    const events = await stores.events.listEvents('resource:default/dev-1', 10);
    expect(events.filter(e => e.type === 'device.added')).toHaveLength(2);
  });

  it('filters, searches, sorts and pages the queue', async () => {
    const { stores } = await storesFor(databases, id);
    await addDeclared(stores, ...Array.from({ length: 12 }, (_, i) => i + 1));
    const page = await stores.devices.listDevices({
      site: 'par1',
      orderBy: 'name',
      order: 'desc',
      limit: 2,
      offset: 1,
    });
    expect(page.totalCount).toBe(6);
    expect(page.devices.map(d => d.name)).toEqual(['dev-7', 'dev-5']);
    const search = await stores.devices.listDevices({ q: 'SER1011' });
    expect(search.devices.map(d => d.name)).toEqual(['dev-11']);
    const percent = await stores.devices.listDevices({ q: '%' });
    expect(percent.totalCount).toBe(0);
    expect((await stores.devices.facets()).sites).toEqual(['lon1', 'par1']);
    await stores.devices.markRemoved(['resource:default/dev-1'], new Date());
    expect((await stores.devices.listDevices({})).totalCount).toBe(11);
    expect(
      (await stores.devices.listDevices({ includeRemoved: true })).totalCount,
    ).toBe(12);
    const last = await stores.events.lastEvents([
      'resource:default/dev-1',
      'resource:default/dev-2',
    ]);
    expect(last.get('resource:default/dev-1')?.type).toBe('device.removed');
    expect(last.get('resource:default/dev-2')?.type).toBe('device.added');
  });
});
