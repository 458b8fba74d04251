import { TestDatabases } from '@backstage/backend-test-utils';
import { migrateZtpDatabase, ztpStoresOn } from './ZtpStores';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

describe('serial checks of Provisioned devices in the stores', () => {
  it.each(databases.eachSupportedId())(
    'never lists a Provisioned device as due, and releases a check that did not log in (%p)',
    async id => {
      const knex = await databases.init(id);
      await migrateZtpDatabase(knex);
      const stores = ztpStoresOn(knex);
      const refs = ['resource:default/pushed', 'resource:default/booting'];
      for (const [n, entityRef] of refs.entries()) {
        await stores.devices.insertDevices([
          {
            device: {
              entityRef,
              namespace: 'default',
              name: entityRef.split('/')[1],
              platform: 'arista-eos',
              managementAddress: `127.0.10.${n + 1}/24`,
              managementIp: `127.0.10.${n + 1}`,
              sshPort: 22,
              hostname: entityRef.split('/')[1],
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
      const past = new Date(Date.now() - 60_000);
      await stores.fetches.recordFetches(
        refs.map(entityRef => ({
          entityRef,
          sourceIp: '127.0.0.1',
          at: past,
          via: 'test',
          checkAt: past,
        })),
      );
      await stores.devices.setConfFinal(refs[0], { state: 'pushed' });
      expect(
        await stores.serialChecks.listDueSerialChecks(new Date(), 10),
      ).toEqual([refs[1]]);

      const now = new Date();
      const claimed = (
        await stores.serialChecks.claimSerialChecks(
          [refs[0]],
          'me',
          now,
          new Date(now.getTime() + 60_000),
        )
      )[0];
      expect(claimed?.confFinalState).toBe('pushed');
      await stores.serialChecks.releaseSerialCheck(refs[0], 'me', {
        entityRef: refs[0],
        type: 'serial.check-refused',
        actor: 'user:default/jane',
        message: 'Serial not checked again: no login attempted',
      });
      const released = await stores.devices.getDevice(refs[0]);
      expect(released?.serialLeaseUntil).toBeUndefined();
      expect(released?.serialNextCheckAt).toBeUndefined();
      expect(released?.serialState).toBe('not-checked');
      const [event] = await stores.events.listEvents(refs[0], 1);
      expect(event).toMatchObject({
        type: 'serial.check-refused',
        actor: 'user:default/jane',
      });
      // Released, so the next request may claim it again at once.
      expect(
        (
          await stores.serialChecks.claimSerialChecks(
            [refs[0]],
            'other',
            new Date(),
            now,
          )
        )[0],
      ).toBeDefined();
      await knex.destroy();
    },
  );
});
