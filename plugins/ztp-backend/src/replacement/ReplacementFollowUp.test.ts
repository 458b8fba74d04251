import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { serialsMatch } from '@ztp-portal/backstage-plugin-ztp-common';
import { DatabaseZtpStore } from '../database/DatabaseZtpStore';
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
  await DatabaseZtpStore.migrate(knex);
  const store = new DatabaseZtpStore(knex);
  await store.insertDevice(
    {
      entityRef: REF,
      namespace: 'default',
      name: 'leaf-07',
      platform: 'arista-eos',
      managementAddress: '127.0.10.47/24',
      managementIp: '127.0.10.47',
      sshPort: 22,
      macAddress: '52:54:00:0a:00:47',
      hostname: 'leaf-07',
      serial: 'SSJ17371247',
      serialTemporary: false,
      declarationHash: 'h',
      expectedSerial: 'SSJ17371247',
      localUsername: 'ztp-old',
      localPasswordEnc: vault.encrypt('old-password', REF),
      localPasswordHash: 'old-hash',
    },
    { entityRef: REF, type: 'device.added', actor: 'system', message: 'added' },
  );
  const replacements = store.replacementStore();
  const pushes: string[] = [];
  const deps = {
    store,
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
    await store.setConfFinal(ref, { state: 'pushed' });
    return { ok: true };
  };
  const followUp = () => new ReplacementFollowUp({ ...deps, push });
  /** The serial check's verdict on the new box, written as the check writes it. */
  const check = async (presentedSerial: string) => {
    const device = await store.getDevice(REF);
    await store.recordFetches([
      {
        entityRef: REF,
        sourceIp: '127.0.10.47',
        at: new Date(),
        via: 'MAC address in the URL',
      },
    ]);
    await store.claimSerialCheck(
      REF,
      'w',
      new Date(),
      new Date(Date.now() + 60_000),
    );
    await store.completeSerialCheck(REF, 'w', {
      state: serialsMatch(presentedSerial, device!.expectedSerial)
        ? 'checked'
        : 'mismatch',
      presentedSerial,
      hostKeyFingerprint: `SHA256:${'n'.repeat(43)}`,
      comparedWith: device!.expectedSerial,
    });
  };
  return { knex, store, replacement, followUp, pushes, check };
}

describe.each(databases.eachSupportedId())(
  'replacement follow-up on %p',
  id => {
    it('generates a new account encrypted at rest and clears the pinned host key', async () => {
      const { store, replacement } = await setUp(id, true);
      const before = (await store.getDevice(REF))!;
      await replacement.replace({
        entityRef: REF,
        newSerial: 'SSJ20000047',
        actor: 'user:default/jane',
      });
      const after = (await store.getDevice(REF))!;
      expect(after.localUsername).not.toBe(before.localUsername);
      expect(after.localPasswordEnc).not.toContain(
        vault.decrypt(after.localPasswordEnc, REF),
      );
      expect(vault.decrypt(after.localPasswordEnc, REF)).toHaveLength(20);
      expect(after.localPasswordHash).toMatch(/^\$/);
      expect(after.hostKeyFingerprint).toBeUndefined();
    });

    it("learns the new box's serial from its SSH check, then pushes once however many replicas sweep", async () => {
      const { store, replacement, followUp, pushes, check } = await setUp(
        id,
        true,
      );
      await replacement.replace({ entityRef: REF, actor: 'user:default/jane' });
      expect((await store.getDevice(REF))!.replacement).toMatchObject({
        learnSerial: true,
      });
      await check('SSJ20000099');
      expect((await store.getDevice(REF))!.serialState).toBe('mismatch');
      await followUp().sweep();
      const learned = (await store.getDevice(REF))!;
      expect(learned.expectedSerial).toBe('SSJ20000099');
      expect(learned.serialState).toBe('not-checked');
      expect(learned.serialNextCheckAt).toBeDefined();
      expect(learned.replacement).toMatchObject({ learnSerial: false });
      const [event] = await store.listEvents(REF, 1);
      expect(event).toMatchObject({
        type: 'replacement.serial-learned',
        details: {
          previousSerial: 'SSJ17371247',
          newSerial: 'SSJ20000099',
          learnedFrom: 'ssh',
        },
      });
      expect(await store.listSerialCorrections()).toEqual([
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
      const done = (await store.getDevice(REF))!;
      expect(done.confFinalState).toBe('pushed');
      expect(done.replacement).toBeUndefined();
    });

    it("learns the new box's serial from its ZTP request's header before any SSH check", async () => {
      const { store, replacement, followUp } = await setUp(id, true);
      await replacement.replace({ entityRef: REF, actor: 'user:default/jane' });
      await store.recordFetches([
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
      const learned = (await store.getDevice(REF))!;
      expect(learned.expectedSerial).toBe('SSJ20000123');
      expect(learned.serialState).toBe('not-checked');
      const [event] = await store.listEvents(REF, 1);
      expect(event).toMatchObject({
        type: 'replacement.serial-learned',
        details: { newSerial: 'SSJ20000123', learnedFrom: 'header' },
      });
    });

    it('clears the marker once an operator pushed a device whose replica died during the automatic push', async () => {
      const { store, replacement, followUp, check } = await setUp(id, true);
      await replacement.replace({
        entityRef: REF,
        newSerial: 'SSJ20000047',
        actor: 'user:default/jane',
      });
      await check('SSJ20000047');
      // Another replica claimed the push and died.
      expect(await store.replacementStore().claimPush(REF)).toBe(true);
      await store.setConfFinal(REF, { state: 'pushed' });
      await followUp().sweep();
      expect((await store.getDevice(REF))!.replacement).toBeUndefined();
    });

    it('waits for an operator when autoPush is off, and clears the marker once the operator pushed', async () => {
      const { store, replacement, followUp, pushes, check } = await setUp(
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
      const waiting = (await store.getDevice(REF))!;
      expect(waiting.serialState).toBe('checked');
      expect(waiting.confFinalState).toBe('not-pushed');
      expect(waiting.replacement).toMatchObject({ autoPush: false });
      expect(pushes).toEqual([]);
      await store.setConfFinal(REF, { state: 'pushed' });
      await followUp().sweep();
      expect((await store.getDevice(REF))!.replacement).toBeUndefined();
    });
  },
);
