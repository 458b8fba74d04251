import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import { migrateZtpDatabase, ztpStoresOn } from '../database/ZtpStores';
import { exampleDevices } from '../finalConfig/__testUtils__/exampleFleet';
import {
  bootSimulatedDevice,
  seedDevice,
  testVault,
} from '../finalConfig/__testUtils__/simulatedDevices';
import { builtinPlatformDrivers } from '../__testUtils__/builtinPlatforms';
import { openDeviceCli } from '../ssh';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { SerialCheckService } from './SerialCheckService';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const USERNAME = 'ztp-0c0c0c';

/** Resolves once no check is running, waiting or scheduled in the service. */
async function settled(service: SerialCheckService) {
  const end = Date.now() + 60_000;
  // A trigger's timer must have fired before pending counts it.
  await new Promise(r => setTimeout(r, 50));
  while (service.pending > 0) {
    if (Date.now() > end) throw new Error('checks did not settle');
    await new Promise(r => setTimeout(r, 50));
  }
}

describe.each(databases.eachSupportedId())(
  'one serial check per trigger on %p',
  id => {
    let device: SimulatedDevice;
    const entity = exampleDevices()[0];

    beforeAll(async () => {
      device = await bootSimulatedDevice(entity, { username: USERNAME });
    });
    afterAll(async () => {
      await device?.powerOff();
    });

    it('logs in once however many triggers ask for the same device at once', async () => {
      const knex = await databases.init(id);
      await migrateZtpDatabase(knex);
      const stores = ztpStoresOn(knex);
      const ref = await seedDevice(stores, entity, {
        username: USERNAME,
        sshPort: device.sshPort!,
        hostKeyFingerprint: device.hostKeyFingerprint(),
        serialState: 'not-checked',
      });
      // Conf Min Loaded: the device is due for its check now.
      await stores.fetches.recordFetches([
        { entityRef: ref, sourceIp: '127.0.0.1', at: new Date(), via: 'test' },
      ]);
      const service = new SerialCheckService({
        stores,
        vault: testVault,
        platforms: new PlatformRegistry(builtinPlatformDrivers),
        openCli: openDeviceCli,
        logger: mockServices.logger.mock(),
        onChanged: () => {},
        // One at a time: every queued trigger claims after the first check
        // has concluded and released its lease, as in a boot storm where
        // the sweep listed the device just before its first-fetch check ran.
        settings: {
          concurrency: 1,
          connectTimeoutMs: 10_000,
          deadlineMs: 30_000,
          managementNetworks: ['127.0.0.0/8'],
          retryInitialDelayMs: 1000,
          retryMaxDelayMs: 8000,
        },
      });
      const before = device.logins.length;
      service.trigger(ref);
      const results = await Promise.all([
        service.checkIfDue(ref),
        service.sweep(),
        service.checkIfDue(ref),
        service.sweep(),
        service.checkIfDue(ref),
      ]);
      await settled(service);

      const logins = device.logins.slice(before);
      expect(logins.map(l => [l.username, l.accepted])).toEqual([
        [USERNAME, true],
      ]);
      expect((await stores.devices.getDevice(ref))?.serialState).toBe(
        'checked',
      );
      // The first queued check ran; the later ones found the device
      // Checked and did nothing.
      expect(results[0]).toEqual({ outcome: 'checked' });
      expect([results[2], results[4]]).toEqual([undefined, undefined]);
      const checkedEvents = (await stores.events.listEvents(ref, 20)).filter(
        e => e.type === 'serial.checked',
      );
      // seedDevice adds no check event for a Not Checked device.
      expect(checkedEvents).toHaveLength(1);

      // A person's Check Serial still logs in, Checked or not.
      expect(await service.check(ref, 'user:default/operator')).toEqual({
        outcome: 'checked',
      });
      expect(device.logins.length - before).toBe(2);
      service.stop();
      await knex.destroy();
    });
  },
);
