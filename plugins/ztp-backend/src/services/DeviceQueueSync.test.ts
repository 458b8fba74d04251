import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { DatabaseZtpStore } from '../database/DatabaseZtpStore';
import { builtinPlatformDrivers, verifyShaCrypt } from '../platforms';
import { deviceEntity } from '../__testUtils__/fleet';
import { CredentialVault } from './CredentialVault';
import { DeviceQueueSync, SyncResult } from './DeviceQueueSync';
import { PlatformRegistry } from './PlatformRegistry';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function leaf(name: string, extra: Record<string, string> = {}) {
  return deviceEntity(name, {
    'ztp.network/serial-number': `JPE${name.length}0000001`.slice(0, 11),
    'ztp.network/platform': 'arista-eos',
    'ztp.network/management-address': '127.0.10.30/24',
    'ztp.network/hostname': name,
    ...extra,
  });
}

describe('DeviceQueueSync', () => {
  it('follows the catalog: added, changed, removed (history kept), back again', async () => {
    const knex = await databases.init('SQLITE_3');
    await DatabaseZtpStore.migrate(knex);
    const store = new DatabaseZtpStore(knex);
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
    const catalog = {
      getEntities: async () => ({ items: entities }),
    } as unknown as CatalogService;
    const results: SyncResult[] = [];
    const sync = new DeviceQueueSync({
      catalog,
      auth: mockServices.auth(),
      store,
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
    const a = await store.getDevice('resource:default/leaf-a');
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
    const a2 = await store.getDevice('resource:default/leaf-a');
    expect(a2).toMatchObject({
      expectedSerial: 'JPE00000009',
      macAddress: '44:4c:a8:00:00:31',
    });
    expect(a2?.localUsername).toBe(a?.localUsername);
    const [update] = await store.listEvents('resource:default/leaf-a', 1);
    expect(update.message).toMatch(/declared serial JPE00000001 → JPE00000009/);

    // Removed: out of the queue, history kept.
    const b = await store.getDevice('resource:default/leaf-b');
    expect(b?.inCatalog).toBe(false);
    expect(
      (await store.listEvents('resource:default/leaf-b', 10)).map(e => e.type),
    ).toEqual(['device.removed', 'device.added']);

    // Back in the catalog: same account, same history.
    entities.push(
      leaf('leaf-b', {
        'ztp.network/serial-number': 'JPE00000002',
        'ztp.network/management-address': '127.0.10.32/24',
      }),
    );
    expect((await sync.run()).added).toEqual(['resource:default/leaf-b']);
    const b2 = await store.getDevice('resource:default/leaf-b');
    expect(b2?.inCatalog).toBe(true);
    expect(b2?.localUsername).toBe(b?.localUsername);
    expect(results.length).toBe(3);
  });

  it('imports each device once when two syncs overlap, so the hash matches the password', async () => {
    const knex = await databases.init('SQLITE_3');
    await DatabaseZtpStore.migrate(knex);
    const store = new DatabaseZtpStore(knex);
    const vault = new CredentialVault('sync-test-secret-key-0002');
    const entities = Array.from({ length: 20 }, (_, i) =>
      leaf(`leaf-${i}`, {
        'ztp.network/serial-number': `JPE000001${String(i).padStart(2, '0')}`,
        'ztp.network/management-address': `127.0.10.${100 + i}/24`,
      }),
    );
    const sync = new DeviceQueueSync({
      catalog: {
        getEntities: async () => ({ items: entities }),
      } as unknown as CatalogService,
      auth: mockServices.auth(),
      store,
      vault,
      platforms: new PlatformRegistry(builtinPlatformDrivers),
      logger: mockServices.logger.mock(),
      onChanged: () => {},
    });
    // The startup sync and the first scheduled one, at the same moment.
    const [a, b] = await Promise.all([sync.run(), sync.run()]);
    expect(a).toBe(b);
    expect(a.added).toHaveLength(20);
    for (const d of await store.listActiveDevices()) {
      const password = vault.decrypt(d.localPasswordEnc, d.entityRef);
      expect(verifyShaCrypt(password, d.localPasswordHash)).toBe(true);
      const events = await store.listEvents(d.entityRef, 10);
      expect(events.map(e => e.type)).toEqual(['device.added']);
    }
  });
});
