import { TestDatabases } from '@backstage/backend-test-utils';
import { macSearchDigits } from './deviceListQuery';
import { migrateZtpDatabase, ztpStoresOn } from './ZtpStores';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe('searching the queue by MAC address', () => {
  it('reads the digits of a MAC in any notation, and nothing else', () => {
    expect(macSearchDigits('444c.a8a1.1024')).toBe('444ca8a11024');
    expect(macSearchDigits('44-4C-A8-A1-10-24')).toBe('444ca8a11024');
    expect(macSearchDigits(' 44:4c:a8 ')).toBe('444ca8');
    expect(macSearchDigits('444C')).toBe('444c');
    expect(macSearchDigits('leaf-01')).toBeUndefined();
    expect(macSearchDigits('44:')).toBeUndefined();
    expect(macSearchDigits('4c')).toBeUndefined();
    // An address looks like digits too; it still matches by address first.
    expect(macSearchDigits('127.0.10.11')).toBe('12701011');
  });

  it.each(databases.eachSupportedId())(
    'finds a device by its MAC written as Cisco, Windows or Unix would (%p)',
    async id => {
      const knex = await databases.init(id);
      await migrateZtpDatabase(knex);
      const stores = ztpStoresOn(knex);
      for (const [n, mac] of [
        [1, '44:4c:a8:a1:10:24'],
        [2, '52:54:00:ab:cd:ef'],
      ] as const) {
        const entityRef = `resource:default/leaf-0${n}`;
        await stores.devices.insertDevices([
          {
            device: {
              entityRef,
              namespace: 'default',
              name: `leaf-0${n}`,
              platform: 'arista-eos',
              managementAddress: `127.0.10.${n}/24`,
              managementIp: `127.0.10.${n}`,
              sshPort: 22,
              macAddress: mac,
              hostname: `leaf-0${n}`,
              declaredSerial: `SER000${n}`,
              serialTemporary: false,
              declarationHash: 'h',
              expectedSerial: `SER000${n}`,
              localUsername: `ztp-00000${n}`,
              localPasswordEnc: 'x',
              localPasswordHash: 'x',
            },
            event: {
              entityRef,
              type: 'device.added',
              actor: 'system',
              message: 'added',
            },
          },
        ]);
      }
      const names = async (q: string) =>
        (await stores.devices.listDevices({ q })).devices.map(d => d.name);
      for (const q of [
        '444c.a8a1.1024',
        '44-4C-A8-A1-10-24',
        '44:4c:a8:a1:10:24',
        '444CA8A11024',
        '444c.a8a1',
        'a8-a1',
      ]) {
        expect(await names(q)).toEqual(['leaf-01']);
      }
      expect(await names('5254.00ab.cdef')).toEqual(['leaf-02']);
      expect(await names('leaf')).toEqual(['leaf-01', 'leaf-02']);
      // Case is ignored whichever way round (serials are stored as
      // declared, in capitals), in either database.
      expect(await names('ser0002')).toEqual(['leaf-02']);
      expect(await names('LEAF-01')).toEqual(['leaf-01']);
      expect(await names('dead.beef.0000')).toEqual([]);
      await knex.destroy();
    },
  );
});
