import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Entity } from '@backstage/catalog-model';
import { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import type { DeviceBehaviours, PlatformId } from '@ztp-portal/ztp-simulator';
import knexFactory, { Knex } from 'knex';
import {
  migrateZtpDatabase,
  ztpStoresOn,
  type ZtpStores,
} from '../../database/ZtpStores';
import { bootstrapArtifacts, bootstrapContext } from '../../platforms';
import { getBuiltinDriver } from '../../__testUtils__/builtinPlatforms';
import { renderMinimalConfig } from '@ztp-portal/backstage-plugin-ztp-node';
import { CredentialVault } from '../../credentials/CredentialVault';
import { fleetDevice } from './exampleFleet';

export const TEST_PASSWORD = 'Pushed-by.ZTP:2026';

/**
 * A simulated device of an example-fleet entity that booted with the
 * minimal configuration the backend's own platform driver renders, and
 * listens for SSH on an ephemeral port of the entity's management address.
 */
export async function bootSimulatedDevice(
  entity: Entity,
  options: {
    username: string;
    password?: string;
    behaviours?: DeviceBehaviours;
    /** Multiplies the device's commit timers (see SimulatedDeviceOptions). */
    timerScale?: number;
  },
): Promise<SimulatedDevice> {
  const d = fleetDevice(entity, options.username);
  const driver = getBuiltinDriver(d.platform);
  const [ip, length] = d.managementAddress.split('/');
  const config = renderMinimalConfig(
    driver,
    {
      entityRef: d.entityRef,
      name: d.name,
      hostname: d.hostname,
      platform: d.platform,
      managementIp: ip,
      prefixLength: Number(length),
      defaultGateway: d.defaultGateway,
      // The port the declaration (or its Junos model) names: the box
      // below answers only on its own management port.
      managementInterface: d.managementInterface,
      expectedSerial: entity.metadata.annotations!['ztp.network/serial-number'],
    },
    {
      username: options.username,
      passwordHash: await driver.hashPassword(
        options.password ?? TEST_PASSWORD,
      ),
    },
  );
  // What the door would serve, by the names the platform's agent asks for
  // (its script, POAP's configuration files), the configuration otherwise.
  let files = new Map<string, string>();
  const server = http.createServer((req, res) => {
    const name = (req.url ?? '').replace(/^.*\//, '').toLowerCase();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(files.get(name) ?? config);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const ctx = bootstrapContext(
    {
      entityRef: d.entityRef,
      name: d.name,
      hostname: d.hostname,
      platform: d.platform,
      managementIp: ip,
      prefixLength: Number(length),
      defaultGateway: d.defaultGateway,
      expectedSerial: entity.metadata.annotations!['ztp.network/serial-number'],
    },
    config,
    `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  );
  files = new Map(
    bootstrapArtifacts(driver, ctx).map(f => [f.name.toLowerCase(), f.body]),
  );
  const device = new SimulatedDevice({
    name: d.name,
    platform: d.platform as PlatformId,
    managementIp: ip,
    sshPort: 0,
    hostname: d.hostname,
    // The hardware the catalog declares (an SRX answers on fxp0).
    model: entity.metadata.annotations!['ztp.network/model'],
    realSerial: entity.metadata.annotations!['ztp.network/serial-number'],
    provisioningUrl: `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }`,
    fetchRetryMs: 20,
    rebootMs: 20,
    timerScale: options.timerScale,
    ...options.behaviours,
  });
  try {
    await device.powerOn();
    await device.whenConfigured(15_000);
  } finally {
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  }
  return device;
}

/** An in-memory ZTP stores. */
export async function memoryStore(): Promise<{
  stores: ZtpStores;
  knex: Knex;
}> {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
  });
  await migrateZtpDatabase(knex);
  return { stores: ztpStoresOn(knex), knex };
}

export const testVault = new CredentialVault(
  'final-config-test-key-0123456789',
);

/**
 * Puts a device in the queue as the serial check leaves it: Conf Min
 * Loaded, serial Checked (or the given state), with the simulated device's
 * SSH port and host key.
 */
export async function seedDevice(
  stores: ZtpStores,
  entity: Entity,
  options: {
    username: string;
    password?: string;
    sshPort: number;
    hostKeyFingerprint?: string;
    serialState?: 'checked' | 'mismatch' | 'not-checked';
  },
): Promise<string> {
  const d = fleetDevice(entity, options.username);
  const serial = entity.metadata.annotations!['ztp.network/serial-number'];
  const [ip] = d.managementAddress.split('/');
  await stores.devices.insertDevices([
    {
      device: {
        entityRef: d.entityRef,
        namespace: 'default',
        name: d.name,
        title: entity.metadata.title,
        site: d.site,
        role: d.role,
        platform: d.platform,
        managementAddress: d.managementAddress,
        managementIp: ip,
        defaultGateway: d.defaultGateway,
        sshPort: options.sshPort,
        hostname: d.hostname,
        declaredSerial: serial,
        serialTemporary: false,
        declarationHash: 'test',
        expectedSerial: serial,
        localUsername: options.username,
        localPasswordEnc: testVault.encrypt(
          options.password ?? TEST_PASSWORD,
          d.entityRef,
        ),
        localPasswordHash: 'unused',
      },
      event: {
        entityRef: d.entityRef,
        type: 'device.added',
        actor: 'system',
        message: 'added by the test',
      },
    },
  ]);
  const state = options.serialState ?? 'checked';
  if (state !== 'not-checked') {
    const now = new Date();
    await stores.serialChecks.claimSerialChecks(
      [d.entityRef],
      'test',
      now,
      new Date(now.getTime() + 60_000),
    );
    await stores.serialChecks.completeSerialChecks([
      {
        entityRef: d.entityRef,
        owner: 'test',
        outcome: {
          state,
          presentedSerial: state === 'checked' ? serial : 'OTHER0001',
          hostKeyFingerprint: options.hostKeyFingerprint,
        },
        event: {
          entityRef: d.entityRef,
          type: state === 'checked' ? 'serial.checked' : 'serial.mismatch',
          actor: 'system',
          message: 'set by the test',
        },
      },
    ]);
  }
  return d.entityRef;
}
