import { TestDatabases } from '@backstage/backend-test-utils';
import { migrateZtpDatabase, ztpStoresOn } from '../database/ZtpStores';
import { CredentialVault } from '../credentials/CredentialVault';
import { verifySecretsKey } from './keyCheck';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const rightKey = new CredentialVault('the-right-key-0123456789');
const wrongKey = new CredentialVault('a-wrong-key-9876543210xx');

async function storeFor(id: Parameters<typeof databases.init>[0]) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  return ztpStoresOn(knex);
}

describe.each(databases.eachSupportedId())(
  'The secrets key check on %p',
  id => {
    it('is written on first start, then proves the key on every start', async () => {
      const stores = await storeFor(id);
      const keys = stores.secretsKey;
      expect(await verifySecretsKey(keys, rightKey)).toBe('created');
      expect(await keys.readCheckValue()).toMatch(/^v1:/);
      expect(await verifySecretsKey(keys, rightKey)).toBe('verified');
      const refused = verifySecretsKey(keys, wrongKey);
      await expect(refused).rejects.toThrow(
        /^ztp\.secrets\.key is not the key this database's device passwords were encrypted with/,
      );
      // The message says how to recover.
      await expect(refused).rejects.toThrow(
        /Set ztp\.secrets\.key back to the key.*rotate-secrets-key.*ZTP_NEW_SECRETS_KEY/,
      );
    });

    it('tests the key on a stored password in a database from before the check value', async () => {
      const stores = await storeFor(id);
      const entityRef = 'resource:default/leaf-1';
      await stores.devices.insertDevices([
        {
          device: {
            entityRef,
            namespace: 'default',
            name: 'leaf-1',
            platform: 'arista-eos',
            managementAddress: '127.0.10.1/24',
            managementIp: '127.0.10.1',
            sshPort: 22,
            hostname: 'leaf-1',
            declaredSerial: 'SSJ1',
            serialTemporary: false,
            declarationHash: 'h',
            expectedSerial: 'SSJ1',
            localUsername: 'ztp-000001',
            localPasswordEnc: rightKey.encrypt('pw', entityRef),
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
      const keys = stores.secretsKey;
      await expect(verifySecretsKey(keys, wrongKey)).rejects.toThrow(
        /password of resource:default\/leaf-1 does not decrypt/,
      );
      // Nothing was written with the wrong key.
      expect(await keys.readCheckValue()).toBeUndefined();
      expect(await verifySecretsKey(keys, rightKey)).toBe('created');
    });

    it('lets the first of two replicas starting together write it', async () => {
      const stores = await storeFor(id);
      const keys = stores.secretsKey;
      const results = await Promise.allSettled([
        verifySecretsKey(keys, rightKey),
        verifySecretsKey(keys, rightKey),
      ]);
      expect(results.map(r => r.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(await verifySecretsKey(keys, rightKey)).toBe('verified');
    });
  },
);
