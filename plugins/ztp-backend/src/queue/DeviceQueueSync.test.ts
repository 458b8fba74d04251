import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  migrateZtpDatabase,
  ztpStoresOn,
  type ZtpStores,
} from '../database/ZtpStores';
import { builtinPlatformDrivers } from '../__testUtils__/builtinPlatforms';
import { verifyShaCrypt } from '@ztp-portal/backstage-plugin-ztp-node';
import { deviceEntity } from '../__testUtils__/fleet';
import { CredentialVault } from '../credentials/CredentialVault';
import { DeviceIndex } from '../door/DeviceIndex';
import { DeviceQueueSync, SyncResult } from './DeviceQueueSync';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { DatabaseSyncEtagStore } from './SyncEtagStore';
import { DoorQueueView } from '../door/DoorQueueView';
import { DeviceRequestHandler } from '../door/DeviceRequestHandler';
import { FetchRecorder } from '../door/FetchRecorder';
import { DoorHttpServer } from '../door/DoorHttpServer';
import { UnknownDeviceCounter } from '../door/UnknownDeviceCounter';
import { doorSignature } from '../door/doorSignature';
import type { BootstrapRenderer } from '../platforms/BootstrapRenderer';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/**
 * The catalog's client over an entity list the test changes, recording
 * what the sync asks for: pages of refs and etags, and declarations.
 */
function catalogOf(entities: () => Entity[]) {
  const reads = {
    pages: [] as { cursor?: string; fields?: string[] }[],
    declarations: [] as string[][],
    failOnPage: 0,
  };
  const catalog = {
    queryEntities: async (request: any, options: any) => {
      reads.pages.push(request);
      if (reads.pages.length === reads.failOnPage) {
        throw new Error('catalog unavailable');
      }
      return catalogServiceMock({ entities: entities() }).queryEntities(
        request,
        options,
      );
    },
    getEntitiesByRefs: async (request: any, options: any) => {
      if (request.fields?.includes('metadata.annotations')) {
        reads.declarations.push(request.entityRefs);
      }
      return catalogServiceMock({ entities: entities() }).getEntitiesByRefs(
        request,
        options,
      );
    },
  } as unknown as CatalogService;
  return { catalog, reads };
}

/** An entity as the catalog serves it, with its etag. */
function withEtag(entity: Entity, etag: string): Entity {
  return { ...entity, metadata: { ...entity.metadata, etag } };
}

async function storeFor(id: any) {
  return (await databaseFor(id)).stores;
}

/** The store and the sync's etags over one database. */
async function databaseFor(id: any) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  return {
    stores: ztpStoresOn(knex),
    etagStore: new DatabaseSyncEtagStore(knex),
  };
}

function leaf(name: string, extra: Record<string, string> = {}) {
  return deviceEntity(name, {
    'ztp.network/serial-number': `JPE${name.length}0000001`.slice(0, 11),
    'ztp.network/platform': 'arista-eos',
    'ztp.network/management-address': '127.0.10.30/24',
    'ztp.network/hostname': name,
    ...extra,
  });
}

describe.each(databases.eachSupportedId())('DeviceQueueSync on %p', id => {
  it('follows the catalog: added, changed, removed (history kept), back again', async () => {
    const stores = await storeFor(id);
    let entities: Entity[] = [
      leaf('leaf-a', {
        'ztp.network/serial-number': 'JPE00000001',
        'ztp.network/management-address': '127.0.10.31/24',
      }),
      leaf('leaf-b', {
        'ztp.network/serial-number': 'JPE00000002',
        'ztp.network/management-address': '127.0.10.32/24',
      }),
      leaf('bad', { 'ztp.network/platform': 'cisco-ios-classic' }),
    ];
    const { catalog } = catalogOf(() => entities);
    const results: SyncResult[] = [];
    const sync = new DeviceQueueSync({
      catalog,
      auth: mockServices.auth(),
      stores,
      vault: new CredentialVault('sync-test-secret-key-0001'),
      platforms: new PlatformRegistry(builtinPlatformDrivers),
      logger: mockServices.logger.mock(),
      onChanged: r => results.push(r),
    });

    const first = await sync.run();
    expect(first.added.sort()).toEqual([
      'resource:default/leaf-a',
      'resource:default/leaf-b',
    ]);
    expect(first.invalid).toEqual(['resource:default/bad']);
    const a = await stores.devices.getDevice('resource:default/leaf-a');
    expect(a?.localPasswordHash).toMatch(/^\$6\$/);
    expect(a?.localPasswordEnc).not.toContain(a?.localPasswordHash);

    // Unchanged: nothing happens.
    expect(await sync.run()).toMatchObject({
      added: [],
      updated: [],
      removed: [],
    });

    // A new MAC and serial are picked up without a restart.
    entities = [
      leaf('leaf-a', {
        'ztp.network/serial-number': 'JPE00000009',
        'ztp.network/management-address': '127.0.10.31/24',
        'ztp.network/mac-address': '44:4c:a8:00:00:31',
      }),
    ];
    const changed = await sync.run();
    expect(changed.updated).toEqual(['resource:default/leaf-a']);
    expect(changed.removed).toEqual(['resource:default/leaf-b']);
    const a2 = await stores.devices.getDevice('resource:default/leaf-a');
    expect(a2).toMatchObject({
      expectedSerial: 'JPE00000009',
      macAddress: '44:4c:a8:00:00:31',
    });
    expect(a2?.localUsername).toBe(a?.localUsername);
    const [update] = await stores.events.listEvents(
      'resource:default/leaf-a',
      1,
    );
    expect(update.message).toMatch(/declared serial JPE00000001 → JPE00000009/);

    // Removed: out of the queue, history kept.
    const b = await stores.devices.getDevice('resource:default/leaf-b');
    expect(b?.inCatalog).toBe(false);
    expect(
      (await stores.events.listEvents('resource:default/leaf-b', 10)).map(
        e => e.type,
      ),
    ).toEqual(['device.removed', 'device.added']);

    // Back in the catalog: same account, same history.
    entities.push(
      leaf('leaf-b', {
        'ztp.network/serial-number': 'JPE00000002',
        'ztp.network/management-address': '127.0.10.32/24',
      }),
    );
    expect((await sync.run()).added).toEqual(['resource:default/leaf-b']);
    const b2 = await stores.devices.getDevice('resource:default/leaf-b');
    expect(b2?.inCatalog).toBe(true);
    expect(b2?.localUsername).toBe(b?.localUsername);
    // Added; updated; removed; back.
    expect(results.length).toBe(4);
  });

  it('imports each device once when two syncs overlap, so the hash matches the password', async () => {
    const stores = await storeFor(id);
    const vault = new CredentialVault('sync-test-secret-key-0002');
    const entities = Array.from({ length: 20 }, (_, i) =>
      leaf(`leaf-${i}`, {
        'ztp.network/serial-number': `JPE000001${String(i).padStart(2, '0')}`,
        'ztp.network/management-address': `127.0.10.${100 + i}/24`,
      }),
    );
    const sync = new DeviceQueueSync({
      catalog: catalogOf(() => entities).catalog,
      auth: mockServices.auth(),
      stores,
      vault,
      platforms: new PlatformRegistry(builtinPlatformDrivers),
      logger: mockServices.logger.mock(),
      onChanged: () => {},
    });
    // The startup sync and the first scheduled one, at the same moment.
    const [a, b] = await Promise.all([sync.run(), sync.run()]);
    expect(a).toBe(b);
    expect(a.added).toHaveLength(20);
    for (const d of await stores.devices.listActiveDevices()) {
      const password = vault.decrypt(d.localPasswordEnc, d.entityRef);
      expect(verifyShaCrypt(password, d.localPasswordHash)).toBe(true);
      const events = await stores.events.listEvents(d.entityRef, 10);
      expect(events.map(e => e.type)).toEqual(['device.added']);
    }
  });

  /** n devices, d00..d<n-1>, each with its own address and serial. */
  const fleet = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const name = `d${String(i).padStart(2, '0')}`;
      return withEtag(
        leaf(name, {
          'ztp.network/serial-number': `JPE0000${String(i).padStart(4, '0')}`,
          'ztp.network/management-address': `127.0.11.${10 + i}/24`,
          'ztp.network/default-gateway': '127.0.11.1',
        }),
        `etag-${name}-1`,
      );
    });

  const makeSync = (
    stores: ZtpStores,
    catalog: CatalogService,
    more: Partial<ConstructorParameters<typeof DeviceQueueSync>[0]> = {},
  ) =>
    new DeviceQueueSync({
      catalog,
      auth: mockServices.auth(),
      stores,
      vault: new CredentialVault('sync-test-secret-key-0003'),
      platforms: new PlatformRegistry(builtinPlatformDrivers),
      logger: mockServices.logger.mock(),
      onChanged: () => {},
      ...more,
    });

  it('reads the catalog in pages of refs and etags, and a pass interrupted midway loses nothing: the next run continues', async () => {
    const stores = await storeFor(id);
    const entities = fleet(12);
    const { catalog, reads } = catalogOf(() => entities);
    const sync = makeSync(stores, catalog, { pageSize: 4 });
    reads.failOnPage = 3;

    await expect(sync.run()).rejects.toThrow('catalog unavailable');
    // Only what the queue needs of each entity.
    expect(reads.pages[0].fields).toEqual([
      'kind',
      'metadata.namespace',
      'metadata.name',
      'metadata.etag',
    ]);
    // The two pages read are committed.
    expect(
      (await stores.devices.listActiveDevices()).map(d => d.name).sort(),
    ).toEqual(['d00', 'd01', 'd02', 'd03', 'd04', 'd05', 'd06', 'd07']);

    const pagesBefore = reads.pages.length;
    const result = await sync.run();
    // It picked up at the page where the pass stopped.
    expect(reads.pages[pagesBefore].cursor).toBeDefined();
    expect(result).toMatchObject({ finished: true, removed: [] });
    expect(result.added.sort()).toEqual([
      'resource:default/d08',
      'resource:default/d09',
      'resource:default/d10',
      'resource:default/d11',
    ]);
    const devices = await stores.devices.listActiveDevices();
    expect(devices).toHaveLength(12);
    for (const d of devices) {
      const events = await stores.events.listEvents(d.entityRef, 10);
      expect(events.map(e => e.type)).toEqual(['device.added']);
    }
  });

  it('picks up one change among many without reading or processing the others again', async () => {
    const stores = await storeFor(id);
    let entities = fleet(30);
    const { catalog, reads } = catalogOf(() => entities);
    let hashed = 0;
    const sync = makeSync(stores, catalog, {
      pageSize: 10,
      hasher: {
        hash: (driver, password) => {
          hashed++;
          return driver.hashPassword(password);
        },
      },
    });
    expect((await sync.run()).added).toHaveLength(30);
    expect(hashed).toBe(30);
    const before = new Map(
      (await stores.devices.listActiveDevices()).map(d => [
        d.entityRef,
        d.updatedAt,
      ]),
    );

    entities = entities.map(e =>
      e.metadata.name === 'd17'
        ? withEtag(
            {
              ...e,
              metadata: {
                ...e.metadata,
                annotations: {
                  ...e.metadata.annotations,
                  'ztp.network/mac-address': '44:4c:a8:00:00:17',
                },
              },
            },
            'etag-d17-2',
          )
        : e,
    );
    reads.declarations.length = 0;
    const result = await sync.run();
    expect(result).toMatchObject({
      added: [],
      updated: ['resource:default/d17'],
      removed: [],
      finished: true,
    });
    // Only the changed entity's declaration was read; nothing was hashed.
    expect(reads.declarations).toEqual([['resource:default/d17']]);
    expect(hashed).toBe(30);
    const after = await stores.devices.listActiveDevices();
    expect(after.find(d => d.name === 'd17')?.macAddress).toBe(
      '44:4c:a8:00:00:17',
    );
    // The others were not written.
    const untouched = after.filter(d => d.name !== 'd17');
    expect(untouched).toHaveLength(29);
    expect(
      untouched.filter(
        d => d.updatedAt.getTime() !== before.get(d.entityRef)?.getTime(),
      ),
    ).toEqual([]);

    // Nothing changed: no declaration is read at all.
    reads.declarations.length = 0;
    expect(await sync.run()).toMatchObject({ added: [], updated: [] });
    expect(reads.declarations).toEqual([]);
  });

  it('after a pass that changed nothing, reads the catalog again only after the quiet interval, then picks up the change', async () => {
    const stores = await storeFor(id);
    let entities = fleet(6);
    const { catalog, reads } = catalogOf(() => entities);
    let clock = 1_000_000;
    const sync = makeSync(stores, catalog, {
      pageSize: 4,
      quietPassIntervalMs: 60_000,
      // Six devices stand for a full-size fleet here.
      quietPassFullAtDevices: 6,
      now: () => clock,
    });
    expect((await sync.run()).added).toHaveLength(6);
    // That pass changed the queue: the next one starts at the next run.
    let pages = reads.pages.length;
    expect(await sync.run()).toMatchObject({ added: [], finished: true });
    expect(reads.pages.length).toBe(pages + 2);

    // That one changed nothing: the catalog is left alone for a minute,
    // even when a device changed meanwhile.
    entities = entities.map(e =>
      e.metadata.name === 'd03'
        ? withEtag(
            { ...e, metadata: { ...e.metadata, title: 'Leaf d03, rack 2' } },
            'etag-d03-2',
          )
        : e,
    );
    pages = reads.pages.length;
    clock += 59_000;
    expect(await sync.run()).toMatchObject({ updated: [], finished: true });
    expect(reads.pages.length).toBe(pages);

    clock += 1_000;
    reads.declarations.length = 0;
    expect(await sync.run()).toMatchObject({ finished: true, added: [] });
    expect(reads.pages.length).toBe(pages + 2);
    expect(reads.declarations).toEqual([['resource:default/d03']]);
  });

  it('waits after a quiet pass in proportion to the fleet: a small site sees a new device at once', async () => {
    const stores = await storeFor(id);
    let entities = fleet(3);
    const { catalog, reads } = catalogOf(() => entities);
    let clock = 1_000_000;
    const sync = makeSync(stores, catalog, {
      pageSize: 4,
      quietPassIntervalMs: 60_000,
      quietPassFullAtDevices: 300,
      now: () => clock,
    });
    await sync.run();
    await sync.run(); // quiet: 3 of 300 devices, so 600 ms of the minute
    entities = [...entities, ...fleet(4).slice(3)];
    const pages = reads.pages.length;
    clock += 599;
    expect((await sync.run()).added).toEqual([]);
    expect(reads.pages.length).toBe(pages);
    clock += 1;
    expect((await sync.run()).added).toHaveLength(1);
  });

  it('runs for its time budget and leaves the rest of the pass to the next run', async () => {
    const stores = await storeFor(id);
    const entities = fleet(9);
    const { catalog } = catalogOf(() => entities);
    const sync = makeSync(stores, catalog, { pageSize: 3, runBudgetMs: 0 });
    const runs: SyncResult[] = [];
    do runs.push(await sync.run());
    while (!runs[runs.length - 1].finished);
    // One page per run with no time to spare.
    expect(runs.map(r => r.added.length)).toEqual([3, 3, 3]);
    expect(await stores.devices.listActiveDevices()).toHaveLength(9);
  });

  it('does not list a device before its account is ready, and lists it as soon as its page is committed', async () => {
    const stores = await storeFor(id);
    const entities = fleet(4);
    const { catalog } = catalogOf(() => entities);
    let release: () => void = () => {};
    const held = new Promise<void>(r => (release = r));
    const committed: string[][] = [];
    const index = new DeviceIndex();
    let refreshed = Promise.resolve();
    const sync = makeSync(stores, catalog, {
      pageSize: 2,
      // d02's hash takes its time; the first page's devices do not wait.
      hasher: {
        hash: async (driver, password) => {
          const hash = await driver.hashPassword(password);
          if (committed.length === 1) await held;
          return hash;
        },
      },
      // As the plugin does: the door's index follows each committed page.
      onChanged: r => {
        committed.push(r.added);
        refreshed = stores.devices
          .listActiveDevices()
          .then(d => index.replaceAll(d));
      },
    });
    const running = sync.run();
    while (committed.length < 1) await new Promise(r => setTimeout(r, 10));
    expect(committed[0].sort()).toEqual([
      'resource:default/d00',
      'resource:default/d01',
    ]);
    // The queue (and so the door's index) has d00 and d01, not d02 or d03.
    expect(
      (await stores.devices.listActiveDevices()).map(d => d.name).sort(),
    ).toEqual(['d00', 'd01']);
    expect(
      await stores.devices.getDevice('resource:default/d02'),
    ).toBeUndefined();
    await refreshed;
    expect(index.findByHostname('d01')?.entityRef).toBe('resource:default/d01');
    expect(index.findByHostname('d02')).toBeUndefined();
    release();
    await running;
    await refreshed;
    expect(index.findByHostname('d02')?.entityRef).toBe('resource:default/d02');
    expect(committed[1].sort()).toEqual([
      'resource:default/d02',
      'resource:default/d03',
    ]);
    const d02 = await stores.devices.getDevice('resource:default/d02');
    expect(d02?.localPasswordHash).toMatch(/^\$6\$/);
  });

  it('removes a device only once a whole pass has not seen it, keeping its history', async () => {
    const stores = await storeFor(id);
    let entities = fleet(6);
    const { catalog } = catalogOf(() => entities);
    const sync = makeSync(stores, catalog, { pageSize: 2, runBudgetMs: 0 });
    while (!(await sync.run()).finished);
    entities = entities.filter(e => e.metadata.name !== 'd01');
    // d01 was on the first page: it is found missing only at the pass's end.
    const runs: SyncResult[] = [];
    do runs.push(await sync.run());
    while (!runs[runs.length - 1].finished);
    expect(runs.map(r => r.removed)).toEqual([
      [],
      [],
      ['resource:default/d01'],
    ]);
    const d01 = await stores.devices.getDevice('resource:default/d01');
    expect(d01?.inCatalog).toBe(false);
    expect(
      (await stores.events.listEvents('resource:default/d01', 10)).map(
        e => e.type,
      ),
    ).toEqual(['device.removed', 'device.added']);
  });
  it('after a restart, reads only the declarations that changed while it was down (the etags are kept in the database)', async () => {
    const { stores, etagStore } = await databaseFor(id);
    let entities = fleet(12);
    const { catalog, reads } = catalogOf(() => entities);
    const before = makeSync(stores, catalog, { pageSize: 5, etagStore });
    expect((await before.run()).added).toHaveLength(12);

    // The backend stops; meanwhile d03 changes and d07 leaves the catalog.
    entities = entities
      .filter(e => e.metadata.name !== 'd07')
      .map(e =>
        e.metadata.name === 'd03'
          ? withEtag(
              {
                ...e,
                metadata: {
                  ...e.metadata,
                  annotations: {
                    ...e.metadata.annotations,
                    'ztp.network/site': 'PAR9',
                  },
                },
              },
              'etag-d03-2',
            )
          : e,
      );
    reads.declarations.length = 0;
    const after = makeSync(stores, catalog, { pageSize: 5, etagStore });
    const result = await after.run();
    expect(result).toMatchObject({
      added: [],
      updated: ['resource:default/d03'],
      removed: ['resource:default/d07'],
      finished: true,
    });
    // Only the changed declaration was read again.
    expect(reads.declarations).toEqual([['resource:default/d03']]);
    expect((await stores.devices.getDevice('resource:default/d03'))?.site).toBe(
      'PAR9',
    );
    // d07 is forgotten: back in the catalog, it is read (and re-enters).
    expect((await etagStore.load()).has('resource:default/d07')).toBe(false);
    entities = fleet(12).map(e =>
      e.metadata.name === 'd03' ? entities[3] : e,
    );
    reads.declarations.length = 0;
    const back = await after.run();
    expect(back.added).toEqual(['resource:default/d07']);
    expect(reads.declarations).toEqual([['resource:default/d07']]);
  });
  it('after a restart with another set of platforms, reads every declaration again', async () => {
    const { stores, etagStore } = await databaseFor(id);
    const entities = fleet(6);
    const { catalog, reads } = catalogOf(() => entities);
    // Without the Arista driver every declaration (arista-eos) is invalid.
    const withoutEos = new PlatformRegistry(
      builtinPlatformDrivers.filter(d => d.id !== 'arista-eos'),
    );
    const before = makeSync(stores, catalog, {
      etagStore,
      platforms: withoutEos,
    });
    expect((await before.run()).invalid).toHaveLength(6);
    expect(await stores.devices.listActiveDevices()).toHaveLength(0);

    // Restarted with the driver installed: the same etags are read again.
    reads.declarations.length = 0;
    const after = makeSync(stores, catalog, { etagStore });
    expect((await after.run()).added).toHaveLength(6);
    expect(reads.declarations.flat()).toHaveLength(6);
  });
  it('the device door answers 404 to a device whose account is not generated yet, and serves it once its page is committed', async () => {
    const stores = await storeFor(id);
    const entities = fleet(4);
    const { catalog } = catalogOf(() => entities);
    let release: () => void = () => {};
    const held = new Promise<void>(r => (release = r));
    const logger = mockServices.logger.mock();
    const doorView = new DoorQueueView({
      stores,
      // No bootstrap scripts here: the minimal configuration route is tested.
      renderer: {
        bootstrap: () => undefined,
        signature: doorSignature,
      } as unknown as BootstrapRenderer,
      logger,
    });
    let pages = 0;
    const sync = makeSync(stores, catalog, {
      pageSize: 2,
      hasher: {
        hash: async (driver, password) => {
          const hash = await driver.hashPassword(password);
          if (pages === 1) await held;
          return hash;
        },
      },
      onChanged: () => {
        pages++;
      },
    });
    const server = new DoorHttpServer({
      host: '127.0.0.1',
      port: 0,
      handler: new DeviceRequestHandler({
        index: doorView.index,
        renderer: { render: d => `hostname ${d.hostname}\n` },
        recorder: new FetchRecorder(stores.fetches),
        unknown: new UnknownDeviceCounter(stores.unknownDevices),
        logger,
        allowedNetworks: [],
        onFetched: () => {},
      }),
      logger,
      requestTimeoutMs: 2000,
    });
    const { port } = await server.start();
    const fetchConfig = (name: string) =>
      fetch(`http://127.0.0.1:${port}/ztp/config/by-hostname/${name}`);
    try {
      const running = sync.run();
      while (pages < 1) await new Promise(r => setTimeout(r, 10));
      await doorView.refresh();
      const d01 = await fetchConfig('d01');
      expect(d01.status).toBe(200);
      expect(await d01.text()).toBe('hostname d01\n');
      // d02's account is still being generated: the door does not know it.
      expect((await fetchConfig('d02')).status).toBe(404);

      release();
      await running;
      await doorView.refresh();
      const d02 = await fetchConfig('d02');
      expect(d02.status).toBe(200);
      expect(await d02.text()).toBe('hostname d02\n');
    } finally {
      release();
      await server.stop();
    }
  });
});
