import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { testDevice } from '../__testUtils__/doorOnDatabase';
import {
  migrateZtpDatabase,
  ztpStoresOn,
  type ZtpStores,
} from '../database/ZtpStores';
import type { DeviceRecord } from '../database/types';
import { builtinPlatformDrivers } from '../__testUtils__/builtinPlatforms';
import { BootstrapRenderer } from '../platforms/BootstrapRenderer';
import { MinimalConfigRenderer } from '../platforms/MinimalConfigRenderer';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { DoorQueueView } from './DoorQueueView';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/** A queue of these devices, written a minute ago (before any reload). */
async function storeWith(devices: number[], id: any = 'SQLITE_3') {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  const stores = ztpStoresOn(knex);
  await stores.devices.insertDevices(
    devices.map(n => ({
      device: testDevice(n),
      event: {
        entityRef: testDevice(n).entityRef,
        type: 'device.added',
        actor: 'system',
        message: 'added',
        at: new Date(Date.now() - 60_000),
      },
    })),
  );
  return stores;
}

function viewOf(
  stores: ZtpStores,
  more: { now?: () => number; fullReloadMs?: number } = {},
  worker: { onlyDoor: boolean } = { onlyDoor: false },
) {
  const platforms = new PlatformRegistry(builtinPlatformDrivers);
  const renderer = new BootstrapRenderer(
    new MinimalConfigRenderer(platforms),
    platforms,
    'http://127.0.0.1:7080',
  );
  const bootstrapRendered: string[] = [];
  const bootstrap = renderer.bootstrap.bind(renderer);
  renderer.bootstrap = device => {
    bootstrapRendered.push(device.entityRef);
    return bootstrap(device);
  };
  const view = new DoorQueueView({
    stores,
    renderer,
    logger: mockServices.logger.mock(),
    ...more,
  });
  const reloads: DeviceRecord[][] = [];
  const changes: { devices: string[]; removed: string[] }[] = [];
  view.attachWorker(
    {
      syncDevices: devices => reloads.push(devices),
      syncChanged: (devices, removed) =>
        changes.push({ devices: devices.map(d => d.entityRef), removed }),
    },
    worker,
  );
  return {
    view,
    reloads,
    changes,
    bootstrapRendered,
    renderBootstrap: bootstrap,
  };
}

describe('DoorQueueView', () => {
  it('loads the active devices for the doors and the worker thread', async () => {
    const { view, reloads } = viewOf(await storeWith([1, 2]));
    expect(view.isDeclared(`mac ${testDevice(1).macAddress}`)).toBe(false);
    await view.refresh();
    expect(view.index.get(testDevice(2).entityRef)?.hostname).toBe('dev-2');
    expect(view.isDeclared(`mac ${testDevice(1).macAddress}`)).toBe(true);
    expect(view.isDeclared('mac 52:54:00:00:00:99')).toBe(false);
    expect(reloads.map(r => r.length)).toEqual([2]);
  });

  it('collapses the whole reloads asked during one into one more', async () => {
    const { view, reloads } = viewOf(await storeWith([1, 2, 3]));
    view.refreshSoon();
    for (let i = 0; i < 5; i++) view.refreshSoon();
    await view.refresh();
    // Time for more reloads, were the asks not collapsed.
    await new Promise(r => setTimeout(r, 200));
    expect(reloads.map(r => r.length)).toEqual([3, 3]);
  });

  it('reads again only the devices said to have changed, those asked meanwhile together', async () => {
    const store = await storeWith([1, 2, 3]);
    const { view, reloads, changes } = viewOf(store);
    await view.refresh();
    const [one, two, three] = [1, 2, 3].map(n => testDevice(n).entityRef);
    await store.devices.markRemoved([three], new Date());
    view.changed(one);
    view.changed(one, two);
    view.changed(three);
    await view.refresh();
    expect(changes).toEqual([{ devices: [one, two], removed: [three] }]);
    expect(view.index.get(three)).toBeUndefined();
    expect(view.index.get(one)).toBeDefined();
    expect(reloads.map(r => r.length)).toEqual([3, 2]);
  });

  it('renders bootstrap files again only for devices whose declaration or account changed', async () => {
    const store = await storeWith([1, 2]);
    const { view, bootstrapRendered, renderBootstrap } = viewOf(store);
    const [one, two] = [testDevice(1).entityRef, testDevice(2).entityRef];
    await view.refresh();
    expect(bootstrapRendered.sort()).toEqual([one, two].sort());
    // A fetch moves the device's states, not what it is served.
    await store.fetches.recordFetches([
      { entityRef: one, sourceIp: '127.0.0.1', at: new Date(), via: 'test' },
    ]);
    await view.refresh();
    expect(bootstrapRendered).toHaveLength(2);
    // Still served what it was rendered for.
    const device = view.index.get(one)!;
    expect(device.confMinState).toBe('loaded');
    expect(
      view.bootstrapFiles.deviceOfToken(renderBootstrap(device).reportToken),
    ).toBe(one);
    // A device said to have changed is rendered again.
    view.changed(two);
    await view.refresh();
    expect(bootstrapRendered.filter(r => r === two)).toHaveLength(2);
    expect(bootstrapRendered.filter(r => r === one)).toHaveLength(1);
  });
});

describe('DoorQueueView with the worker as the only door', () => {
  it('keeps identities, not rows, and renders nothing on this thread', async () => {
    const store = await storeWith([1, 2]);
    const { view, reloads, changes, bootstrapRendered } = viewOf(
      store,
      {},
      { onlyDoor: true },
    );
    const [one, two] = [testDevice(1).entityRef, testDevice(2).entityRef];
    await view.refresh();
    // The worker still gets whole rows (it renders the files itself).
    expect(reloads[0].map(d => d.entityRef).sort()).toEqual([one, two].sort());
    expect(reloads[0][0].localPasswordEnc).toBeTruthy();
    expect(view.index.size).toBe(0);
    expect(bootstrapRendered).toEqual([]);
    expect(view.isDeclared(`mac ${testDevice(1).macAddress}`)).toBe(true);
    expect(view.isDeclared('hostname dev-2')).toBe(true);
    expect(view.isDeclared(`address ${testDevice(2).managementIp}`)).toBe(true);

    // A device that leaves the queue is no longer declared.
    await store.devices.markRemoved([two], new Date());
    view.changed(two);
    await view.refresh();
    expect(changes.at(-1)?.removed).toEqual([two]);
    expect(view.isDeclared('hostname dev-2')).toBe(false);
    expect(view.isDeclared('hostname dev-1')).toBe(true);
    expect(view.index.size).toBe(0);
    expect(bootstrapRendered).toEqual([]);
  });
});

describe.each(databases.eachSupportedId())(
  'DoorQueueView scheduled reloads on %p',
  id => {
    it('reads only the rows written since its last reload when the queue changed, and every row every fullReloadMs', async () => {
      const stores = await storeWith([1, 2, 3, 4], id);
      let clock = 1_000_000;
      const { view, reloads, changes } = viewOf(stores, {
        now: () => clock,
        fullReloadMs: 60_000,
      });
      const [one, two, , four] = [1, 2, 3, 4].map(n => testDevice(n).entityRef);
      await view.refreshIfChanged();
      expect(reloads.map(r => r.length)).toEqual([4]);
      // Nothing changed: no reload.
      clock += 10_000;
      await view.refreshIfChanged();
      expect(reloads).toHaveLength(1);
      expect(changes).toHaveLength(0);

      // As another replica would: one device fetches, one leaves the queue.
      await new Promise(r => setTimeout(r, 5));
      await stores.fetches.recordFetches([
        { entityRef: one, sourceIp: '127.0.0.1', at: new Date(), via: 'test' },
      ]);
      await stores.devices.markRemoved([two], new Date());
      clock += 10_000;
      await view.refreshIfChanged();
      // Those two rows alone, not the queue.
      expect(reloads).toHaveLength(1);
      expect(changes).toEqual([{ devices: [one], removed: [two] }]);
      expect(view.index.get(two)).toBeUndefined();
      expect(view.index.get(one)?.confMinState).toBe('loaded');
      expect(view.index.get(four)).toBeDefined();

      clock += 10_000;
      await view.refreshIfChanged();
      expect(changes).toHaveLength(1);
      // A minute since the last whole reload: every row again.
      clock += 30_000;
      await view.refreshIfChanged();
      expect(reloads.map(r => r.length)).toEqual([4, 3]);
    });
  },
);
