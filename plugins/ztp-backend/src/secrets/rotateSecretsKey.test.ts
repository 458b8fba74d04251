import { TestDatabases } from '@backstage/backend-test-utils';
import { migrateZtpDatabase, ztpStoresOn } from '../database/ZtpStores';
import { CredentialVault } from '../credentials/CredentialVault';
import { verifySecretsKey } from './keyCheck';
import { rotateSecretsKey } from './rotateSecretsKey';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const oldKey = new CredentialVault('the-old-key-0123456789ab');
const newKey = new CredentialVault('the-new-key-ba9876543210');

async function fleetUnder(
  id: Parameters<typeof databases.init>[0],
  count: number,
) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  const stores = ztpStoresOn(knex);
  const passwords = new Map<string, string>();
  for (let n = 1; n <= count; n++) {
    const entityRef = `resource:default/leaf-${n}`;
    const password = oldKey.generateAccount().password;
    passwords.set(entityRef, password);
    await stores.devices.insertDevices([
      {
        device: {
          entityRef,
          namespace: 'default',
          name: `leaf-${n}`,
          platform: 'arista-eos',
          managementAddress: `127.0.10.${n}/24`,
          managementIp: `127.0.10.${n}`,
          sshPort: 22,
          hostname: `leaf-${n}`,
          declaredSerial: `SSJ${n}`,
          serialTemporary: false,
          declarationHash: 'h',
          expectedSerial: `SSJ${n}`,
          localUsername: `ztp-00000${n}`,
          localPasswordEnc: oldKey.encrypt(password, entityRef),
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
  }
  // A device that left the catalog keeps its account: rotated too.
  await stores.devices.markRemoved(['resource:default/leaf-1'], new Date());
  await verifySecretsKey(stores.secretsKey, oldKey);
  return { stores, passwords };
}

describe.each(databases.eachSupportedId())(
  'Rotating ztp.secrets.key on %p',
  id => {
    it('re-encrypts every stored password and the key check value with the new key', async () => {
      const { stores, passwords } = await fleetUnder(id, 3);
      const keys = stores.secretsKey;
      expect(await rotateSecretsKey(keys, oldKey, newKey)).toEqual({
        passwords: 3,
      });
      for (const [entityRef, password] of passwords) {
        const device = (await stores.devices.getDevice(entityRef))!;
        expect(newKey.decrypt(device.localPasswordEnc, entityRef)).toBe(
          password,
        );
        expect(() =>
          oldKey.decrypt(device.localPasswordEnc, entityRef),
        ).toThrow();
      }
      expect(await verifySecretsKey(keys, newKey)).toBe('verified');
      await expect(verifySecretsKey(keys, oldKey)).rejects.toThrow(
        /ztp\.secrets\.key is not the key/,
      );
    });

    it('changes nothing when the old key is not the one the data was written with', async () => {
      const { stores } = await fleetUnder(id, 2);
      const keys = stores.secretsKey;
      const before = await stores.devices.getDevices([
        'resource:default/leaf-1',
        'resource:default/leaf-2',
      ]);
      const checkBefore = await keys.readCheckValue();
      const stranger = new CredentialVault('not-the-old-key-at-all-000');
      await expect(rotateSecretsKey(keys, stranger, newKey)).rejects.toThrow(
        /does not decrypt with the old key/,
      );
      const after = await stores.devices.getDevices([
        'resource:default/leaf-1',
        'resource:default/leaf-2',
      ]);
      expect(after.map(d => d.localPasswordEnc)).toEqual(
        before.map(d => d.localPasswordEnc),
      );
      expect(await keys.readCheckValue()).toBe(checkBefore);
      expect(await verifySecretsKey(keys, oldKey)).toBe('verified');
    });
  },
);
