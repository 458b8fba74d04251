import { TestDatabases } from '@backstage/backend-test-utils';
import { fakeDeviceSsh, queueWithReplicas } from '../__testUtils__/replicas';
import { HostKeyAcceptance } from './HostKeyAcceptance';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const OLD_KEY = `SHA256:${'o'.repeat(43)}`;
const NEW_KEY = `SHA256:${'n'.repeat(43)}`;
const SERIAL = 'FOC2148Z0AB';

describe.each(databases.eachSupportedId())(
  'Accepting a new host key on %p',
  id => {
    it('keeps the key a device presented after a mismatch, and accepting it pins it and checks at once', async () => {
      let hostKey = OLD_KEY;
      const { stores, serialChecker, addLoadedDevice } =
        await queueWithReplicas(
          databases,
          id,
          fakeDeviceSsh({ serial: () => SERIAL, hostKey: () => hostKey }),
        );
      const ref = await addLoadedDevice('leaf-1', SERIAL);
      const checks = serialChecker();
      const acceptance = new HostKeyAcceptance({
        stores,
        serialChecks: checks,
        onChanged: () => {},
      });
      expect(await checks.check(ref, 'user:default/op')).toEqual({
        outcome: 'checked',
      });
      expect((await stores.devices.getDevice(ref))!.hostKeyFingerprint).toBe(
        OLD_KEY,
      );

      // Nothing to accept while the device presents its pinned key.
      await expect(
        acceptance.accept({ entityRef: ref, fingerprint: OLD_KEY, actor: 'u' }),
      ).rejects.toThrow(/no other host key than the pinned one/);

      // Re-installed: a new key. The check stops and records what it saw.
      hostKey = NEW_KEY;
      const mismatch = await checks.check(ref, 'user:default/op');
      expect(mismatch?.reason).toMatch(/^host key changed/);
      let device = (await stores.devices.getDevice(ref))!;
      expect(device).toMatchObject({
        serialState: 'not-checked',
        hostKeyFingerprint: OLD_KEY,
        presentedHostKey: NEW_KEY,
      });
      expect(device.serialNextCheckAt).toBeUndefined();
      const [failed] = await stores.events.listEvents(ref, 1);
      expect(failed.details).toEqual({
        pinnedHostKey: OLD_KEY,
        presentedHostKey: NEW_KEY,
      });

      // Only the key the operator saw is accepted.
      const other = `SHA256:${'x'.repeat(43)}`;
      await expect(
        acceptance.accept({ entityRef: ref, fingerprint: other, actor: 'u' }),
      ).rejects.toThrow(`now presents host key ${NEW_KEY}`);

      const result = await acceptance.accept({
        entityRef: ref,
        fingerprint: NEW_KEY,
        actor: 'user:default/ann',
      });
      expect(result.outcome).toBe('checked');
      expect(result.device.serial).toMatchObject({
        state: 'checked',
        hostKeyFingerprint: NEW_KEY,
      });
      expect(result.device.serial.presentedHostKeyFingerprint).toBeUndefined();
      device = (await stores.devices.getDevice(ref))!;
      expect(device.presentedHostKey).toBeUndefined();
      const accepted = (await stores.events.listEvents(ref, 10)).find(
        e => e.type === 'serial.host-key-accepted',
      )!;
      expect(accepted.actor).toBe('user:default/ann');
      expect(accepted.details).toEqual({
        previousHostKey: OLD_KEY,
        acceptedHostKey: NEW_KEY,
      });
      expect(accepted.message).toContain(OLD_KEY);
      expect(accepted.message).toContain(NEW_KEY);
    });

    it('accepts a key once when two operators accept it at the same time', async () => {
      let hostKey = OLD_KEY;
      const { stores, serialChecker, addLoadedDevice } =
        await queueWithReplicas(
          databases,
          id,
          fakeDeviceSsh({ serial: () => SERIAL, hostKey: () => hostKey }),
        );
      const ref = await addLoadedDevice('leaf-2', SERIAL);
      const checks = serialChecker();
      await checks.check(ref, 'user:default/op');
      hostKey = NEW_KEY;
      await checks.check(ref, 'user:default/op');
      const replica = () =>
        new HostKeyAcceptance({
          stores,
          serialChecks: serialChecker(),
          onChanged: () => {},
        });
      const [a, b] = [replica(), replica()];
      // Both see the new key before either accepts it.
      await Promise.all([a.prepare(ref, NEW_KEY), b.prepare(ref, NEW_KEY)]);
      const results = await Promise.allSettled([
        a.accept({
          entityRef: ref,
          fingerprint: NEW_KEY,
          actor: 'user:default/a',
        }),
        b.accept({
          entityRef: ref,
          fingerprint: NEW_KEY,
          actor: 'user:default/b',
        }),
      ]);
      expect(results.filter(r => r.status === 'fulfilled')).toHaveLength(1);
      expect(
        (await stores.events.listEvents(ref, 20)).filter(
          e => e.type === 'serial.host-key-accepted',
        ),
      ).toHaveLength(1);
      expect((await stores.devices.getDevice(ref))!.hostKeyFingerprint).toBe(
        NEW_KEY,
      );
    });
  },
);
