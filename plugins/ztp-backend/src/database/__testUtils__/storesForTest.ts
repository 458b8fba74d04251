import type {
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import type { DeclaredDevice, NewDevice } from '../types';
import { migrateZtpDatabase, ztpStoresOn, type ZtpStores } from '../ZtpStores';

/** Device n of the store tests, as the queue sync would insert it. */
export function declared(
  n: number,
  overrides: Partial<DeclaredDevice & { expectedSerial: string }> = {},
) {
  return {
    entityRef: `resource:default/dev-${n}`,
    namespace: 'default',
    name: `dev-${n}`,
    site: n % 2 ? 'par1' : 'lon1',
    platform: n % 2 ? 'arista-eos' : 'cisco-iosxe',
    managementAddress: `127.0.10.${n}/24`,
    managementIp: `127.0.10.${n}`,
    defaultGateway: '127.0.10.1',
    sshPort: 22,
    macAddress: `52:54:00:00:00:${n.toString(16).padStart(2, '0')}`,
    hostname: `dev-${n}`,
    declaredSerial: `SER${1000 + n}`,
    serialTemporary: false,
    declarationHash: `h${n}`,
    expectedSerial: `SER${1000 + n}`,
    localUsername: `ztp-${n}`,
    localPasswordEnc: 'v1:x:y:z',
    localPasswordHash: '$6$salt$hash',
    ...overrides,
  };
}

/** Adds declared devices to the queue one by one, as the queue sync would. */
export async function insertDeclared(stores: ZtpStores, devices: NewDevice[]) {
  for (const device of devices) {
    await stores.devices.insertDevices([
      {
        device,
        event: {
          entityRef: device.entityRef,
          type: 'device.added',
          actor: 'system',
          message: 'added',
        },
      },
    ]);
  }
}

/** Adds devices n… (see declared) to the queue one by one. */
export async function addDeclared(stores: ZtpStores, ...ns: number[]) {
  await insertDeclared(
    stores,
    ns.map(n => declared(n)),
  );
}

/** The stores on a fresh, migrated test database. */
export async function storesFor(databases: TestDatabases, id: TestDatabaseId) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  return { knex, stores: ztpStoresOn(knex) };
}
