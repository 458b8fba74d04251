import { mockServices } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { migrateZtpDatabase, ztpStoresOn } from '../database/ZtpStores';
import { DeviceIndex } from '../door/DeviceIndex';
import { DeviceRequestHandler } from '../door/DeviceRequestHandler';
import { FetchRecorder } from '../door/FetchRecorder';
import { DoorHttpServer } from '../door/DoorHttpServer';
import { UnknownDeviceCounter } from '../door/UnknownDeviceCounter';

/** The n-th device of a small test fleet, as the catalog sync declares it. */
export function testDevice(n: number) {
  const hex = n.toString(16).padStart(2, '0');
  return {
    entityRef: `resource:default/dev-${n}`,
    namespace: 'default',
    name: `dev-${n}`,
    site: 'par1',
    platform: 'arista-eos',
    managementAddress: `127.0.10.${n}/24`,
    managementIp: `127.0.10.${n}`,
    defaultGateway: '127.0.10.1',
    sshPort: 22,
    macAddress: `52:54:00:00:00:${hex}`,
    hostname: `dev-${n}`,
    declaredSerial: `SER${1000 + n}`,
    serialTemporary: false,
    declarationHash: `h${n}`,
    expectedSerial: `SER${1000 + n}`,
    localUsername: `ztp-${n}`,
    localPasswordEnc: 'v1:x:y:z',
    localPasswordHash: '$6$salt$hash',
  };
}

/**
 * The device door (the dedicated listener, its recorder and its counter of
 * unknown devices) on a migrated test database holding `devices` devices.
 */
export async function startDoorOnDatabase(
  knex: Knex,
  options: { devices: number; allowedNetworks?: string[] },
) {
  await migrateZtpDatabase(knex);
  const stores = ztpStoresOn(knex);
  await stores.devices.insertDevices(
    Array.from({ length: options.devices }, (_, i) => ({
      device: testDevice(i + 1),
      event: {
        entityRef: testDevice(i + 1).entityRef,
        type: 'device.added',
        actor: 'system',
        message: 'added',
      },
    })),
  );
  const index = new DeviceIndex();
  index.replaceAll(await stores.devices.listActiveDevices());
  const unknown = new UnknownDeviceCounter(stores.unknownDevices);
  const logger = mockServices.logger.mock();
  const handler = new DeviceRequestHandler({
    index,
    renderer: { render: d => `hostname ${d.hostname}\n` },
    recorder: new FetchRecorder(stores.fetches),
    unknown,
    logger,
    allowedNetworks: options.allowedNetworks ?? [],
    onFetched: () => {},
  });
  const server = new DoorHttpServer({
    host: '127.0.0.1',
    port: 0,
    handler,
    logger,
    requestTimeoutMs: 2000,
  });
  const { port } = await server.start();
  return { stores, handler, server, port, unknown, logger };
}
