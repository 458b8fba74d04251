import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { migrateZtpDatabase, ztpStoresOn } from './ZtpStores';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const REF = 'resource:default/leaf-01';

async function storeFor(id: TestDatabaseId) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  const stores = ztpStoresOn(knex);
  await stores.devices.insertDevices([
    {
      device: {
        entityRef: REF,
        namespace: 'default',
        name: 'leaf-01',
        platform: 'cisco-iosxe',
        managementAddress: '127.0.10.21/24',
        managementIp: '127.0.10.21',
        sshPort: 22,
        hostname: 'leaf-01',
        declaredSerial: 'FDO23210001',
        serialTemporary: false,
        declarationHash: 'h1',
        expectedSerial: 'FDO23210001',
        localUsername: 'ztp-1',
        localPasswordEnc: 'v1:x:y:z',
        localPasswordHash: '$6$salt$hash',
      },
      event: {
        entityRef: REF,
        type: 'device.added',
        actor: 'system',
        message: 'added',
      },
    },
  ]);
  return { knex, stores };
}

it('runs against PostgreSQL in CI, not only SQLite', () => {
  const ids = databases.eachSupportedId().map(([id]) => id);
  const required = process.env.CI ? ['POSTGRES_15', 'SQLITE_3'] : ['SQLITE_3'];
  expect(ids).toEqual(expect.arrayContaining(required));
});

describe.each(databases.eachSupportedId())(
  'the running version of a device on %p',
  id => {
    it('is unknown until read, then kept with the model and when', async () => {
      const { stores } = await storeFor(id);
      const [before] = await stores.devices.getDevices([REF]);
      expect(before.runningVersion).toBeUndefined();
      expect(before.deviceModel).toBeUndefined();

      const at = new Date('2026-12-03T10:00:00Z');
      await stores.devices.recordSoftwareVersion(
        REF,
        { version: '17.06.04', model: 'C9300-48P' },
        at,
      );
      const [after] = await stores.devices.getDevices([REF]);
      expect(after).toMatchObject({
        runningVersion: '17.06.04',
        deviceModel: 'C9300-48P',
        versionReadAt: at,
      });

      // Read again after an upgrade, on a platform whose output names no model.
      await stores.devices.recordSoftwareVersion(REF, { version: '17.09.04a' });
      const [again] = await stores.devices.getDevices([REF]);
      expect(again.runningVersion).toBe('17.09.04a');
      expect(again.deviceModel).toBeUndefined();
    });

    it('migrates down without the columns', async () => {
      const { knex } = await storeFor(id);
      expect(
        await knex.schema.hasColumn('ztp_devices', 'running_version'),
      ).toBe(true);
      await knex.migrate.down({
        directory: `${__dirname}/../../migrations`,
        name: '20261203140000_running_version.js',
      });
      expect(
        await knex.schema.hasColumn('ztp_devices', 'running_version'),
      ).toBe(false);
    });
  },
);
