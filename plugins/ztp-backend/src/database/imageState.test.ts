import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import {
  imageCompliance,
  ZTP_IMAGE_STATES,
  type ZtpImageApproval,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { migrateZtpDatabase, ztpStoresOn, type ZtpStores } from './ZtpStores';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const MIGRATIONS = `${__dirname}/../../migrations`;

const approved: ZtpImageApproval[] = [
  { platform: 'cisco-iosxe', modelFamily: 'C9300', version: '17.9.4a' },
  { platform: 'cisco-iosxe', modelFamily: 'C9300X', version: '17.12.1' },
  { platform: 'arista-eos', modelFamily: '', version: '4.32.0F' },
  // A family with LIKE's wildcards in it matches them literally.
  { platform: 'juniper-junos', modelFamily: 'EX_4', version: '22.4R3' },
];

/** name, platform, the version and model read (none: never read). */
const fleet: [string, string, { version: string; model?: string }?][] = [
  ['ios-current', 'cisco-iosxe', { version: '17.09.04a', model: 'C9300-48P' }],
  // C9300X-24Y is a C9300X first: its image is 17.12.1.
  ['ios-x-old', 'cisco-iosxe', { version: '17.09.04a', model: 'C9300X-24Y' }],
  ['ios-x-current', 'cisco-iosxe', { version: '17.12.01', model: 'c9300x-48' }],
  // No image approved for a C9500, nor for the platform as a whole.
  ['ios-9500', 'cisco-iosxe', { version: '17.06.01', model: 'C9500-24Y4C' }],
  ['ios-unread', 'cisco-iosxe'],
  ['eos-old', 'arista-eos', { version: '4.31.2F' }],
  ['eos-current', 'arista-eos', { version: '4.32.0f', model: 'DCS-7050' }],
  ['junos-ex4', 'juniper-junos', { version: '22.4R3', model: 'EX_4300' }],
  ['junos-ex44', 'juniper-junos', { version: '22.4R3', model: 'EX44' }],
  ['nxos', 'cisco-nxos', { version: '10.3(4a)', model: 'N9K-C93180YC-FX' }],
];

async function storeFor(id: TestDatabaseId) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  const stores = ztpStoresOn(knex);
  await stores.devices.insertDevices(
    fleet.map(([name, platform], i) => ({
      device: {
        entityRef: `resource:default/${name}`,
        namespace: 'default',
        name,
        platform,
        managementAddress: `127.0.40.${i + 10}/24`,
        managementIp: `127.0.40.${i + 10}`,
        sshPort: 22,
        hostname: name,
        declaredSerial: `SER${i}`,
        serialTemporary: false,
        declarationHash: 'h1',
        expectedSerial: `SER${i}`,
        localUsername: `ztp-${i}`,
        localPasswordEnc: 'v1:x:y:z',
        localPasswordHash: '$6$salt$hash',
      },
      event: {
        entityRef: `resource:default/${name}`,
        type: 'device.added' as const,
        actor: 'system',
        message: 'added',
      },
    })),
  );
  for (const [name, , software] of fleet) {
    if (software) {
      await stores.devices.recordSoftwareVersion(
        `resource:default/${name}`,
        software,
      );
    }
  }
  return { knex, stores };
}

async function names(
  stores: ZtpStores,
  image: (typeof ZTP_IMAGE_STATES)[number],
  images: ZtpImageApproval[] = approved,
) {
  const { devices, totalCount } = await stores.devices.listDevices(
    { image, limit: 500 },
    images,
  );
  expect(totalCount).toBe(devices.length);
  return devices.map(d => d.name).sort();
}

it('runs against PostgreSQL in CI, not only SQLite', () => {
  const ids = databases.eachSupportedId().map(([id]) => id);
  const required = process.env.CI ? ['POSTGRES_15', 'SQLITE_3'] : ['SQLITE_3'];
  expect(ids).toEqual(expect.arrayContaining(required));
});

describe.each(databases.eachSupportedId())(
  'the image filter of the device list on %p',
  id => {
    it('finds the devices in each image state', async () => {
      const { stores } = await storeFor(id);
      expect(await names(stores, 'compliant')).toEqual([
        'eos-current',
        'ios-current',
        'ios-x-current',
        'junos-ex4',
      ]);
      expect(await names(stores, 'upgrade-needed')).toEqual([
        'eos-old',
        'ios-x-old',
      ]);
      expect(await names(stores, 'unknown')).toEqual([
        'ios-9500',
        'ios-unread',
        'junos-ex44',
        'nxos',
      ]);
    });

    it('agrees with the compliance each device shows', async () => {
      const { stores } = await storeFor(id);
      const { devices } = await stores.devices.listDevices({ limit: 500 });
      for (const state of ZTP_IMAGE_STATES) {
        expect(await names(stores, state)).toEqual(
          devices
            .filter(d => imageCompliance(d, approved).state === state)
            .map(d => d.name)
            .sort(),
        );
      }
    });

    it('follows a re-read version and combines with the other filters', async () => {
      const { stores } = await storeFor(id);
      await stores.devices.recordSoftwareVersion('resource:default/eos-old', {
        version: '4.32.0F',
      });
      expect(await names(stores, 'upgrade-needed')).toEqual(['ios-x-old']);
      const { devices } = await stores.devices.listDevices(
        { image: 'compliant', platform: 'arista-eos' },
        approved,
      );
      expect(devices.map(d => d.name).sort()).toEqual([
        'eos-current',
        'eos-old',
      ]);
    });

    it('has every device unknown when no image is approved', async () => {
      const { stores } = await storeFor(id);
      expect(await names(stores, 'compliant', [])).toEqual([]);
      expect(await names(stores, 'upgrade-needed', [])).toEqual([]);
      expect(await names(stores, 'unknown', [])).toHaveLength(fleet.length);
    });

    it('migrates the compared version down and up again, read versions kept', async () => {
      const { knex, stores } = await storeFor(id);
      const name = '20261203150000_running_version_normalized.js';
      await knex.migrate.down({ directory: MIGRATIONS, name });
      expect(
        await knex.schema.hasColumn(
          'ztp_devices',
          'running_version_normalized',
        ),
      ).toBe(false);
      await knex.migrate.up({ directory: MIGRATIONS, name });
      const rows = await knex('ztp_devices')
        .whereIn('name', ['ios-current', 'nxos', 'ios-unread'])
        .orderBy('name')
        .select('name', 'running_version_normalized');
      expect(rows).toEqual([
        { name: 'ios-current', running_version_normalized: '17.9.4a' },
        { name: 'ios-unread', running_version_normalized: null },
        { name: 'nxos', running_version_normalized: '10.3(4a)' },
      ]);
      expect(await names(stores, 'compliant')).toHaveLength(4);
    });
  },
);
