import { TestDatabases } from '@backstage/backend-test-utils';
import { declared, storesFor } from './__testUtils__/storesForTest';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())(
  'SerialCorrectionStore on %p',
  id => {
    it('keeps serial corrections', async () => {
      const { stores } = await storesFor(databases, id);
      await stores.devices.insertDevices([
        {
          device: declared(3, {
            declaredSerial: 'TEMP-0001',
            expectedSerial: 'TEMP-0001',
            serialTemporary: true,
          }),
          event: {
            entityRef: 'resource:default/dev-3',
            type: 'device.added',
            actor: 'system',
            message: 'added',
          },
        },
      ]);
      await stores.serialCorrections.saveSerialCorrection(
        {
          entityRef: 'resource:default/dev-3',
          serial: 'FOC9999X1AB',
          previousSerial: 'TEMP-0001',
          correctedBy: 'user:default/jane',
          correctedAt: new Date(),
        },
        'TEMP-0001',
        {
          entityRef: 'resource:default/dev-3',
          type: 'serial.corrected',
          actor: 'user:default/jane',
          message: 'corrected',
        },
      );
      const d = await stores.devices.getDevice('resource:default/dev-3');
      expect(d?.expectedSerial).toBe('FOC9999X1AB');
      expect(d?.serialTemporary).toBe(false);
      expect(await stores.serialCorrections.listSerialCorrections()).toEqual([
        expect.objectContaining({
          serial: 'FOC9999X1AB',
          previousSerial: 'TEMP-0001',
        }),
      ]);
    });
  },
);
