import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ZtpStores } from '../database/ZtpStores';
import { fakeDeviceSsh, queueWithReplicas } from '../__testUtils__/replicas';
import type { SerialCheckService } from '../serialChecks/SerialCheckService';
import { SerialCorrection } from './SerialCorrection';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const REAL_SERIAL = 'FOC2148Z0AB';

function correctionOn(stores: ZtpStores, serialChecks: SerialCheckService) {
  return new SerialCorrection({
    stores,
    serialChecks,
    catalog: catalogServiceMock(),
    auth: { getOwnServiceCredentials: async () => mockCredentials.service() },
    logger: mockServices.logger.mock(),
    onChanged: () => {},
  });
}

describe.each(databases.eachSupportedId())('Serial corrections on %p', id => {
  it('of two concurrent corrections from two replicas, one wins and the other gets a 409 naming the winner; the state follows the winner', async () => {
    for (const [first, second] of [
      [REAL_SERIAL, 'FOC9999ZZZZ'],
      ['FOC9999ZZZZ', REAL_SERIAL],
    ]) {
      const { stores, serialChecker, addLoadedDevice } =
        await queueWithReplicas(
          databases,
          id,
          fakeDeviceSsh({
            serial: () => REAL_SERIAL,
            hostKey: () => 'SHA256:a',
          }),
        );
      const ref = await addLoadedDevice('leaf-1', 'TEMP-0001');
      const replicaA = correctionOn(stores, serialChecker());
      const replicaB = correctionOn(stores, serialChecker());
      const a = { entityRef: ref, newSerial: first, actor: 'user:default/ann' };
      const b = {
        entityRef: ref,
        newSerial: second,
        actor: 'user:default/bob',
      };
      // Both read the device before either writes: the race of the issue.
      const [preparedA, preparedB] = await Promise.all([
        replicaA.prepare(a),
        replicaB.prepare(b),
      ]);
      const results = await Promise.allSettled([
        replicaA.correct(a, preparedA),
        replicaB.correct(b, preparedB),
      ]);
      const won = results.filter(r => r.status === 'fulfilled');
      const lost = results.filter(
        (r): r is PromiseRejectedResult => r.status === 'rejected',
      );
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const device = (await stores.devices.getDevice(ref))!;
      const winner = device.expectedSerial;
      expect([first, second]).toContain(winner);
      expect(lost[0].reason.name).toBe('ConflictError');
      expect(lost[0].reason.message).toContain(`is now ${winner}`);
      // The state is the verdict about the value that won.
      expect(device.serialState).toBe(
        winner === REAL_SERIAL ? 'checked' : 'mismatch',
      );
      expect(device.presentedSerial).toBe(REAL_SERIAL);
      const corrections = (await stores.events.listEvents(ref, 50)).filter(
        e => e.type === 'serial.corrected',
      );
      expect(corrections).toHaveLength(1);
      expect(await stores.serialCorrections.listSerialCorrections()).toEqual([
        expect.objectContaining({ entityRef: ref, serial: winner }),
      ]);
    }
  });

  it('refuses a correction of a Wrong serial someone has changed since, naming the current value', async () => {
    const { stores, serialChecker, addLoadedDevice } = await queueWithReplicas(
      databases,
      id,
      fakeDeviceSsh({ serial: () => REAL_SERIAL, hostKey: () => 'SHA256:a' }),
    );
    const ref = await addLoadedDevice('leaf-2', 'TEMP-0002');
    const correction = correctionOn(stores, serialChecker());
    await correction.correct({
      entityRef: ref,
      newSerial: 'FOC9999ZZZZ',
      actor: 'user:default/ann',
    });
    await expect(
      correction.correct({
        entityRef: ref,
        newSerial: 'FOC8888YYYY',
        wrongSerial: 'TEMP-0002',
        actor: 'user:default/bob',
      }),
    ).rejects.toThrow(/is now FOC9999ZZZZ/);
    expect((await stores.devices.getDevice(ref))!.expectedSerial).toBe(
      'FOC9999ZZZZ',
    );
  });

  it('never writes the verdict of a check that compared with the serial before the correction', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>(r => (release = r));
    let slow = true;
    const { stores, serialChecker, addLoadedDevice } = await queueWithReplicas(
      databases,
      id,
      fakeDeviceSsh({
        // The first check hangs until the correction is saved.
        serial: async () => {
          if (slow) {
            slow = false;
            await held;
          }
          return REAL_SERIAL;
        },
        hostKey: () => 'SHA256:a',
      }),
    );
    const ref = await addLoadedDevice('leaf-3', 'TEMP-0003');
    const replicaA = serialChecker();
    const replicaB = serialChecker();
    // Replica A's automatic check reads TEMP-0003 and hangs.
    const staleCheck = replicaA.check(ref, 'system');
    while (!(await stores.devices.getDevice(ref))!.serialLeaseUntil) {
      await new Promise(r => setTimeout(r, 10));
    }
    // Replica B corrects: its own check finds the lease taken.
    const result = await correctionOn(stores, replicaB).correct({
      entityRef: ref,
      newSerial: REAL_SERIAL,
      actor: 'user:default/ann',
    });
    expect(result.reason).toMatch(/already running/);
    release();
    expect(await staleCheck).toEqual({ outcome: 'mismatch' });
    // The stale Mismatch was not written, the lease is free and a check is due.
    let device = (await stores.devices.getDevice(ref))!;
    expect(device.expectedSerial).toBe(REAL_SERIAL);
    expect(device.serialState).toBe('not-checked');
    expect(device.serialLeaseUntil).toBeUndefined();
    expect(device.serialNextCheckAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(
      (await stores.events.listEvents(ref, 50)).filter(
        e => e.type === 'serial.mismatch',
      ),
    ).toEqual([]);
    // The next sweep checks the corrected serial.
    expect(await replicaA.sweep()).toBe(1);
    device = (await stores.devices.getDevice(ref))!;
    expect(device.serialState).toBe('checked');
  });
});
