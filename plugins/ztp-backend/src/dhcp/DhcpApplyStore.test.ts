import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { migrateZtpDatabase, ztpStoresOn } from '../database/ZtpStores';
import { DhcpApplyStore } from './DhcpApplyStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

async function setup(id: TestDatabaseId) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  return {
    knex,
    stores: ztpStoresOn(knex),
    apply: new DhcpApplyStore(knex),
  };
}

describe.each(databases.eachSupportedId())('DHCP state on %p', id => {
  it('keeps what Kea last took through a later refusal', async () => {
    const { apply } = await setup(id);
    const endpoint = 'unix:/run/kea/kea4-ctrl-socket';
    expect(await apply.get(endpoint)).toBeUndefined();

    const first = new Date('2026-12-03T10:00:00Z');
    await apply.record(endpoint, {
      at: first,
      hash: 'h1',
      change: 'first configuration from the portal (1 reservations)',
      ok: true,
      devices: { 'resource:default/leaf-01': 'a' },
    });
    const later = new Date('2026-12-03T10:05:00Z');
    await apply.record(endpoint, {
      at: later,
      hash: 'h2',
      change: 'added leaf-02',
      ok: false,
      error: 'Kea refused config-test (result 1): no such interface',
    });
    expect(await apply.get(endpoint)).toEqual({
      endpoint,
      appliedHash: 'h1',
      attemptedHash: 'h2',
      appliedDevices: { 'resource:default/leaf-01': 'a' },
      lastAttemptAt: later,
      lastAppliedAt: first,
      change: 'added leaf-02',
      error: 'Kea refused config-test (result 1): no such interface',
      ok: false,
    });
  });

  it('keeps a declared switch port with the device', async () => {
    const { stores } = await setup(id);
    await stores.devices.insertDevices([
      {
        device: {
          entityRef: 'resource:default/leaf-01',
          namespace: 'default',
          name: 'leaf-01',
          platform: 'arista-eos',
          managementAddress: '198.18.0.11/24',
          managementIp: '198.18.0.11',
          sshPort: 22,
          macAddress: '52:54:00:00:00:11',
          switchPort: 'spine-01:Ethernet1/11',
          hostname: 'leaf-01',
          declaredSerial: 'JPE19251107',
          serialTemporary: false,
          declarationHash: 'h',
          expectedSerial: 'JPE19251107',
          localUsername: 'ztp-abc123',
          localPasswordEnc: 'v1:x:y:z',
          localPasswordHash: '$6$salt$hash',
        },
        event: {
          entityRef: 'resource:default/leaf-01',
          type: 'device.added',
          actor: 'system',
          message: 'Entered the ZTP queue',
        },
      },
    ]);
    const [device] = await stores.devices.listActiveDevices();
    expect(device.switchPort).toBe('spine-01:Ethernet1/11');
  });
});
