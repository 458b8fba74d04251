import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { TestDatabaseId } from '@backstage/backend-test-utils';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import { migrateZtpDatabase, ztpStoresOn } from '../database/ZtpStores';
import { CredentialVault } from '../credentials/CredentialVault';
import { HostKeyMismatchError } from '../ssh';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import type { OpenDeviceCli } from '../deviceSessions';
import { SerialCheckService } from '../serialChecks/SerialCheckService';

export const testVault = new CredentialVault('replica-test-secret-key-123');

/** A platform whose serial is the answer to "show serial". */
const driver: ZtpPlatformDriver = {
  id: 'test-os',
  displayName: 'Test OS',
  cli: { promptPattern: /#\s*$/ },
  minimalConfigTemplate: '',
  hashPassword: async () => '$6$x$y',
  readSerial: async cli => (await cli.run('show serial')).trim(),
};

/**
 * One ZTP queue in a real database and the serial checkers of as many
 * backend replicas as a test makes (each with its own lease owner), for
 * races between replicas without starting whole backends.
 */
export async function queueWithReplicas(
  databases: TestDatabases,
  id: TestDatabaseId,
  openCli: OpenDeviceCli,
) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  const stores = ztpStoresOn(knex);
  const serialChecker = () =>
    new SerialCheckService({
      stores,
      vault: testVault,
      platforms: new PlatformRegistry([driver]),
      openCli,
      logger: mockServices.logger.mock(),
      onChanged: () => {},
      settings: {
        concurrency: 4,
        connectTimeoutMs: 100,
        deadlineMs: 500,
        managementNetworks: ['127.0.0.0/8'],
        retryInitialDelayMs: 60_000,
        retryMaxDelayMs: 60_000,
      },
    });
  /** A device that has loaded Conf Min, expecting `serial`. */
  const addLoadedDevice = async (name: string, serial: string) => {
    const entityRef = `resource:default/${name}`;
    await stores.devices.insertDevices([
      {
        device: {
          entityRef,
          namespace: 'default',
          name,
          platform: 'test-os',
          managementAddress: '127.0.10.1/24',
          managementIp: '127.0.10.1',
          sshPort: 22,
          hostname: name,
          declaredSerial: serial,
          serialTemporary: true,
          declarationHash: 'h',
          expectedSerial: serial,
          localUsername: 'ztp-000001',
          localPasswordEnc: testVault.encrypt('pw', entityRef),
          localPasswordHash: '$6$x$y',
        },
        event: {
          entityRef,
          type: 'device.added',
          actor: 'system',
          message: 'added',
        },
      },
    ]);
    await stores.fetches.recordFetches([
      { entityRef, sourceIp: '127.0.10.1', at: new Date(), via: 'test' },
    ]);
    return entityRef;
  };
  return { knex, stores, serialChecker, addLoadedDevice };
}

/** A fake SSH session of a device answering `serial()` with host key `hostKey()`. */
export function fakeDeviceSsh(device: {
  serial: () => Promise<string> | string;
  hostKey: () => string;
}): OpenDeviceCli {
  return async options => {
    const presented = device.hostKey();
    if (options.knownHostKey && options.knownHostKey !== presented) {
      throw new HostKeyMismatchError(
        `presented host key ${presented}, but ${options.knownHostKey} was recorded`,
        options.knownHostKey,
        presented,
      );
    }
    const serial = await device.serial();
    return {
      hostKeyFingerprint: presented,
      close: () => {},
      cli: { run: async () => `${serial}\n`, send: async () => '' },
    };
  };
}
