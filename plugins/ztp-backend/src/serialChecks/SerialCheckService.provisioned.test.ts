import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import { FinalConfigRenderer } from '../finalConfig/FinalConfigRenderer';
import { FinalConfigService } from '../finalConfig/FinalConfigService';
import { exampleFleetEntities } from '../finalConfig/__testUtils__/exampleFleet';
import {
  bootSimulatedDevice,
  memoryStore,
  seedDevice,
  testVault,
} from '../finalConfig/__testUtils__/simulatedDevices';
import {
  builtinPlatformDrivers,
  builtinPlatformRegistry,
} from '../__testUtils__/builtinPlatforms';
import { openDeviceCli } from '../ssh';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { SerialCheckService } from './SerialCheckService';

jest.setTimeout(120_000);

const USERNAME = 'ztp-c0ffee';
const OPERATOR = 'user:default/operator';
const fleet = exampleFleetEntities();
const entity = (name: string): Entity =>
  fleet.find(e => e.metadata.name === name)!;

describe('serial checks of a Provisioned device', () => {
  let device: SimulatedDevice;
  let db: Awaited<ReturnType<typeof memoryStore>>;
  let ref: string;
  let checks: SerialCheckService;
  let push: FinalConfigService;

  beforeAll(async () => {
    device = await bootSimulatedDevice(entity('spine-01-par1'), {
      username: USERNAME,
    });
    db = await memoryStore();
    ref = await seedDevice(db.stores, entity('spine-01-par1'), {
      username: USERNAME,
      sshPort: device.sshPort!,
      hostKeyFingerprint: device.hostKeyFingerprint(),
    });
    const platforms = new PlatformRegistry(builtinPlatformDrivers);
    const logger = mockServices.logger.mock();
    checks = new SerialCheckService({
      stores: db.stores,
      vault: testVault,
      platforms,
      openCli: openDeviceCli,
      logger,
      onChanged: () => {},
      settings: {
        concurrency: 2,
        connectTimeoutMs: 5_000,
        deadlineMs: 20_000,
        managementNetworks: ['127.0.0.0/8'],
        retryInitialDelayMs: 10,
        retryMaxDelayMs: 20,
      },
    });
    push = new FinalConfigService({
      stores: db.stores,
      vault: testVault,
      platforms,
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
      logger,
      settings: {
        concurrency: 1,
        connectTimeoutMs: 10_000,
        deadlineMs: 60_000,
        commandTimeoutMs: 20_000,
        confirmMinutes: 5,
        managementNetworks: ['127.0.0.0/8'],
        templateDirectories: {},
      },
      onChanged: () => {},
    });
  });

  afterAll(async () => {
    checks?.stop();
    await device?.powerOff();
    await db?.knex.destroy();
  });

  it('logs in once with the bootstrap account before the push, never after it', async () => {
    // Before Conf Final: one explicit check, one login, and it says as whom.
    const before = device.logins.length;
    const checked = await checks.check(ref, OPERATOR);
    expect(checked).toMatchObject({ outcome: 'checked' });
    expect(device.logins.length - before).toBe(1);
    expect(device.logins[device.logins.length - 1]).toMatchObject({
      username: USERNAME,
      accepted: true,
    });
    const [verified] = await db.stores.events.listEvents(ref, 1);
    expect(verified.message).toContain(
      `logged in as the bootstrap account ${USERNAME}`,
    );

    const pushed = await push.push(ref, OPERATOR);
    expect(pushed.error).toBeUndefined();
    expect(pushed.device.confFinal.state).toBe('pushed');

    // "Check serial now" on the Provisioned device: no login at all, no
    // retry scheduled, the serial stays Checked, and the answer says why.
    const afterPush = device.logins.length;
    const result = await checks.check(ref, OPERATOR);
    expect(result).toEqual({
      outcome: 'checked',
      loggedIn: false,
      reason: expect.stringMatching(
        new RegExp(`^no login attempted: ${ref} is Provisioned.*${USERNAME}`),
      ),
    });
    const record = await db.stores.devices.getDevice(ref);
    expect(record).toMatchObject({ serialState: 'checked' });
    expect(record?.serialNextCheckAt).toBeUndefined();
    expect(record?.serialLeaseUntil).toBeUndefined();
    const [refused] = await db.stores.events.listEvents(ref, 1);
    expect(refused).toMatchObject({
      type: 'serial.check-refused',
      actor: OPERATOR,
      message: expect.stringContaining('no login attempted'),
    });

    // A second request right away is answered the same (not "already running").
    expect(await checks.check(ref, OPERATOR)).toMatchObject({
      loggedIn: false,
    });

    // A Provisioned device left Not Checked with a retry due (as the old
    // code left it after failing with the removed account) is not swept.
    // Conf Min Loaded, as a device that fetched it: an automatic check
    // would claim it.
    await db
      .knex('ztp_devices')
      .where({ entity_ref: ref })
      .update({
        conf_min_state: 'loaded',
        serial_state: 'not-checked',
        serial_reason: 'authentication refused',
        serial_next_check_at: new Date(Date.now() - 1000),
      });
    expect(await checks.sweep()).toBe(0);
    // And an automatic trigger (a fetch) neither logs in nor reschedules.
    expect(await checks.checkIfDue(ref)).toMatchObject({
      loggedIn: false,
    });
    expect(
      (await db.stores.devices.getDevice(ref))?.serialNextCheckAt,
    ).toBeUndefined();
    await new Promise(r => setTimeout(r, 200));
    expect(await checks.sweep()).toBe(0);
    expect(device.logins.length).toBe(afterPush);
  });
});
