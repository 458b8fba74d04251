import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  builtinPlatformDrivers,
  builtinPlatformRegistry,
} from '../__testUtils__/builtinPlatforms';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { openDeviceCli } from '../ssh';
import { FinalConfigRenderer } from './FinalConfigRenderer';
import { FinalConfigService } from './FinalConfigService';
import { exampleFleetEntities } from './__testUtils__/exampleFleet';
import {
  bootSimulatedDevice,
  memoryStore,
  seedDevice,
  testVault,
} from './__testUtils__/simulatedDevices';

jest.setTimeout(60_000);

const USERNAME = 'ztp-5e1f00';

describe('a push to a device that presents a new host key', () => {
  it('sends nothing, fails, and keeps the presented key for an operator to accept', async () => {
    const fleet = exampleFleetEntities();
    const entity = fleet.find(e => e.metadata.name === 'spine-01-par1')!;
    const device = await bootSimulatedDevice(entity, { username: USERNAME });
    const { stores, knex } = await memoryStore();
    try {
      const pinned = device.hostKeyFingerprint();
      const ref = await seedDevice(stores, entity, {
        username: USERNAME,
        sshPort: device.sshPort!,
        hostKeyFingerprint: pinned,
      });
      const changed: string[] = [];
      const service = new FinalConfigService({
        stores,
        vault: testVault,
        platforms: new PlatformRegistry(builtinPlatformDrivers),
        openCli: openDeviceCli,
        catalog: catalogServiceMock({ entities: fleet }),
        auth: mockServices.auth(),
        urlReader: {
          readUrl: async () => {
            throw new Error('the example fleet is read from files');
          },
        },
        renderer: new FinalConfigRenderer({
          platforms: builtinPlatformRegistry(),
        }),
        logger: mockServices.logger.mock(),
        settings: {
          concurrency: 1,
          connectTimeoutMs: 10_000,
          deadlineMs: 60_000,
          commandTimeoutMs: 20_000,
          confirmMinutes: 5,
          managementNetworks: ['127.0.0.0/8'],
          templateDirectories: {},
        },
        onChanged: r => changed.push(r),
      });
      const commands: string[] = [];
      device.on('command', c => commands.push(c.line));

      await device.regenerateHostKey();
      const presented = device.hostKeyFingerprint();
      expect(presented).not.toBe(pinned);
      const result = await service.push(ref, 'user:default/operator');
      expect(result.ok).toBe(false);
      expect(commands).toEqual([]);
      const after = (await stores.devices.getDevice(ref))!;
      expect(after.hostKeyFingerprint).toBe(pinned);
      expect(after.presentedHostKey).toBe(presented);
      expect(changed).toContain(ref);
    } finally {
      await device.powerOff();
      await knex.destroy();
    }
  });
});
