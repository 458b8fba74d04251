import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { serialsMatch } from '@ztp-portal/backstage-plugin-ztp-common';
import { migrateZtpDatabase, ztpStoresOn } from '../database/ZtpStores';
import { builtinPlatformDrivers } from '../__testUtils__/builtinPlatforms';
import { CredentialVault } from '../credentials/CredentialVault';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { DeviceReplacement } from './DeviceReplacement';
import { ReplacementFollowUp } from './ReplacementFollowUp';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const REF = 'resource:default/leaf-07';
const vault = new CredentialVault('follow-up-test-key-0123456789');

async function setUp(
  id: Parameters<typeof databases.init>[0],
  autoPush: boolean,
) {
  const knex = await databases.init(id);
  await migrateZtpDatabase(knex);
  const stores = ztpStoresOn(knex);
  await stores.devices.insertDevices([
    {
      device: {
        entityRef: REF,
        namespace: 'default',
        name: 'leaf-07',
        platform: 'arista-eos',
        managementAddress: '127.0.10.47/24',
        managementIp: '127.0.10.47',
        sshPort: 22,
        macAddress: '52:54:00:0a:00:47',
        hostname: 'leaf-07',
        declaredSerial: 'SSJ17371247',
        serialTemporary: false,
        declarationHash: 'h',
        expectedSerial: 'SSJ17371247',
        localUsername: 'ztp-old',
        localPasswordEnc: vault.encrypt('old-password', REF),
        localPasswordHash: 'old-hash',
      },
      event: {
        entityRef: REF,
        type: 'device.added',
        actor: 'system',
        message: 'added',
      },
    },
  ]);
  const replacements = stores.replacements;
  const pushes: string[] = [];
  const deps = {
    stores,
    replacements,
    catalog: catalogServiceMock(),
    auth: mockServices.auth(),
    logger: mockServices.logger.mock(),
    onChanged: () => {},
  };
  const replacement = new DeviceReplacement({
    ...deps,
    vault,
    platforms: new PlatformRegistry(builtinPlatformDrivers),
    hasher: { hash: (driver, password) => driver.hashPassword(password) },
    autoPush,
  });
  // What the push does to the device's state, as FinalConfigService records it.
  const push = async (ref: string, actor: string) => {
    pushes.push(`${ref} by ${actor}`);
    await stores.devices.setConfFinal(ref, { state: 'pushed' });
    return { ok: true };
  };
  const followUp = () => new ReplacementFollowUp({ ...deps, push });
  /** The serial check's verdict on the new box, written as the check writes it. */
  const check = async (presentedSerial: string) => {
    const device = await stores.devices.getDevice(REF);
    await stores.fetches.recordFetches([
      {
        entityRef: REF,
        sourceIp: '127.0.10.47',
        at: new Date(),
        via: 'MAC address in the URL',
      },
    ]);
    await stores.serialChecks.claimSerialChecks(
      [REF],
      'w',
      new Date(),
      new Date(Date.now() + 60_000),
    );
    await stores.serialChecks.completeSerialChecks([
      {
        entityRef: REF,
        owner: 'w',
        outcome: {
          state: serialsMatch(presentedSerial, device!.expectedSerial)
            ? 'checked'
            : 'mismatch',
          presentedSerial,
          hostKeyFingerprint: `SHA256:${'n'.repeat(43)}`,
          comparedWith: device!.expectedSerial,
        },
      },
    ]);
  };
  return { knex, stores, replacement, followUp, pushes, check };
}

describe.each(databases.eachSupportedId())(
  'replacement follow-up on %p',
  id => {
    it('generates a new account encrypted at rest and clears the pinned host key', async () => {
      const { stores, replacement } = await setUp(id, true);
      const before = (await stores.devices.getDevice(REF))!;
      await replacement.replace({
        entityRef: REF,
        newSerial: 'SSJ20000047',
        actor: 'user:default/jane',
      });
      const after = (await stores.devices.getDevice(REF))!;
      expect(after.localUsername).not.toBe(before.localUsername);
      expect(after.localPasswordEnc).not.toContain(
        vault.decrypt(after.localPasswordEnc, REF),
      );
      expect(vault.decrypt(after.localPasswordEnc, REF)).toHaveLength(20);
      expect(after.localPasswordHash).toMatch(/^\$/);
      expect(after.hostKeyFingerprint).toBeUndefined();
    });

    it("learns the new box's serial from its SSH check, then pushes once however many replicas sweep", async () => {
      const { stores, replacement, followUp, pushes, check } = await setUp(
        id,
        true,
      );
      await replacement.replace({ entityRef: REF, actor: 'user:default/jane' });
      expect((await stores.devices.getDevice(REF))!.replacement).toMatchObject({
        learnSerial: true,
      });
      await check('SSJ20000099');
      expect((await stores.devices.getDevice(REF))!.serialState).toBe(
        'mismatch',
      );
      await followUp().sweep();
      const learned = (await stores.devices.getDevice(REF))!;
      expect(learned.expectedSerial).toBe('SSJ20000099');
      expect(learned.serialState).toBe('not-checked');
      expect(learned.serialNextCheckAt).toBeDefined();
      expect(learned.replacement).toMatchObject({ learnSerial: false });
      const [event] = await stores.events.listEvents(REF, 1);
      expect(event).toMatchObject({
        type: 'replacement.serial-learned',
        details: {
          previousSerial: 'SSJ17371247',
          newSerial: 'SSJ20000099',
          learnedFrom: 'ssh',
        },
      });
      expect(await stores.serialCorrections.listSerialCorrections()).toEqual([
        expect.objectContaining({
          serial: 'SSJ20000099',
          previousSerial: 'SSJ17371247',
        }),
      ]);
      expect(pushes).toEqual([]);

      await check('SSJ20000099');
      // Two replicas' sweeps at once: one push.
      await Promise.all([followUp().sweep(), followUp().sweep()]);
      expect(pushes).toEqual([`${REF} by system`]);
      const done = (await stores.devices.getDevice(REF))!;
      expect(done.confFinalState).toBe('pushed');
      expect(done.replacement).toBeUndefined();
    });

    it("learns the new box's serial from its ZTP request's header before any SSH check", async () => {
      const { stores, replacement, followUp } = await setUp(id, true);
      await replacement.replace({ entityRef: REF, actor: 'user:default/jane' });
      await stores.fetches.recordFetches([
        {
          entityRef: REF,
          sourceIp: '127.0.10.47',
          at: new Date(),
          via: 'MAC address header',
          headerSerial: 'ssj20000123',
          headerSerialMismatch: true,
          expectedSerial: 'SSJ17371247',
        },
      ]);
      await followUp().sweep();
      const learned = (await stores.devices.getDevice(REF))!;
      expect(learned.expectedSerial).toBe('SSJ20000123');
      expect(learned.serialState).toBe('not-checked');
      const [event] = await stores.events.listEvents(REF, 1);
      expect(event).toMatchObject({
        type: 'replacement.serial-learned',
        details: { newSerial: 'SSJ20000123', learnedFrom: 'header' },
      });
    });

    it('clears the marker once an operator pushed a device whose replica died during the automatic push', async () => {
      const { stores, replacement, followUp, check } = await setUp(id, true);
      await replacement.replace({
        entityRef: REF,
        newSerial: 'SSJ20000047',
        actor: 'user:default/jane',
      });
      await check('SSJ20000047');
      // Another replica claimed the push and died.
      expect(await stores.replacements.claimPush(REF)).toBe(true);
      await stores.devices.setConfFinal(REF, { state: 'pushed' });
      await followUp().sweep();
      expect(
        (await stores.devices.getDevice(REF))!.replacement,
      ).toBeUndefined();
    });

    it('waits for an operator when autoPush is off, and clears the marker once the operator pushed', async () => {
      const { stores, replacement, followUp, pushes, check } = await setUp(
        id,
        false,
      );
      await replacement.replace({
        entityRef: REF,
        newSerial: 'SSJ20000047',
        actor: 'user:default/jane',
      });
      await check('SSJ20000047');
      await followUp().sweep();
      const waiting = (await stores.devices.getDevice(REF))!;
      expect(waiting.serialState).toBe('checked');
      expect(waiting.confFinalState).toBe('not-pushed');
      expect(waiting.replacement).toMatchObject({ autoPush: false });
      expect(pushes).toEqual([]);
      await stores.devices.setConfFinal(REF, { state: 'pushed' });
      await followUp().sweep();
      expect(
        (await stores.devices.getDevice(REF))!.replacement,
      ).toBeUndefined();
    });
  },
);
