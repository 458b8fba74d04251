import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ztpConfigPushPermission } from '@ztp-portal/backstage-plugin-ztp-common';
import type { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import express from 'express';
import request from 'supertest';
import {
  builtinPlatformDrivers,
  builtinPlatformRegistry,
} from '../__testUtils__/builtinPlatforms';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { openDeviceCli } from '../ssh';
import { BulkPushJobs } from './BulkPushJobs';
import { FinalConfigRenderer } from './FinalConfigRenderer';
import { FinalConfigService } from './FinalConfigService';
import { createFinalConfigRouter } from './router';
import { exampleFleetEntities } from './__testUtils__/exampleFleet';
import {
  bootSimulatedDevice,
  memoryStore,
  seedDevice,
  testVault,
} from './__testUtils__/simulatedDevices';

jest.setTimeout(120_000);

const USERNAME = 'ztp-0a0b0c';
const OPERATOR = 'user:default/operator';
const VIEWER = 'user:default/viewer';
const fleet = exampleFleetEntities();
const entity = (name: string): Entity =>
  fleet.find(e => e.metadata.name === name)!;

describe('Conf Final API', () => {
  const devices: SimulatedDevice[] = [];
  let app: express.Express;
  let stores: Awaited<ReturnType<typeof memoryStore>>['stores'];
  let destroy: () => Promise<void>;
  const auditor = mockServices.auditor.mock();
  const auditorEvent = { success: jest.fn(), fail: jest.fn() };

  const operator = { Authorization: mockCredentials.user.header(OPERATOR) };
  const viewer = { Authorization: mockCredentials.user.header(VIEWER) };

  beforeAll(async () => {
    const db = await memoryStore();
    stores = db.stores;
    for (const name of ['spine-01-par1', 'spine-02-par1', 'spine-01-lon1']) {
      const device = await bootSimulatedDevice(entity(name), {
        username: USERNAME,
      });
      devices.push(device);
      await seedDevice(stores, entity(name), {
        username: USERNAME,
        sshPort: device.sshPort!,
        hostKeyFingerprint: device.hostKeyFingerprint(),
      });
    }
    // Declared, but its serial is in Mismatch: never pushed, never reached.
    await seedDevice(stores, entity('leaf-04-par1'), {
      username: USERNAME,
      sshPort: 1,
      serialState: 'mismatch',
    });
    destroy = () => db.knex.destroy();

    const logger = mockServices.logger.mock();
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
      logger,
      settings: {
        concurrency: 2,
        connectTimeoutMs: 10_000,
        deadlineMs: 60_000,
        commandTimeoutMs: 20_000,
        confirmMinutes: 5,
        managementNetworks: ['127.0.0.0/8'],
        templateDirectories: {},
      },
      onChanged: () => {},
    });
    auditor.createEvent.mockResolvedValue(auditorEvent);
    const router = await createFinalConfigRouter({
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(r => ({
            result:
              r.permission.name === ztpConfigPushPermission.name &&
              (options.credentials.principal as { userEntityRef: string })
                .userEntityRef === OPERATOR
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          })),
      }),
      auditor,
      stores,
      service,
      jobs: new BulkPushJobs({
        service,
        store: stores.bulkPushJobs,
        concurrency: 2,
        logger,
      }),
    });
    const middleware = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger,
    });
    app = express().use(router).use(middleware.error());
  });

  afterAll(async () => {
    for (const d of devices) await d.powerOff();
    await destroy?.();
  });

  beforeEach(() => {
    auditorEvent.success.mockClear();
    auditorEvent.fail.mockClear();
    auditor.createEvent.mockClear();
  });

  it('refuses users without ztp.config.push (403)', async () => {
    const preview = await request(app)
      .get('/devices/default/spine-01-par1/final-config')
      .set(viewer);
    expect(preview.status).toBe(403);

    const push = await request(app)
      .post('/devices/default/spine-01-par1/final-config/push')
      .set(viewer);
    expect(push.status).toBe(403);
    expect(push.body.error.name).toBe('NotAllowedError');
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({ eventId: 'final-config-push' }),
    );
    expect(auditorEvent.fail).toHaveBeenCalled();

    const bulk = await request(app)
      .post('/final-config/push')
      .set(viewer)
      .send({ entityRefs: ['resource:default/spine-02-par1'] });
    expect(bulk.status).toBe(403);
    expect(devices[0].logins).toEqual([]);
    expect(
      (await stores.devices.getDevice('resource:default/spine-01-par1'))
        ?.confFinalState,
    ).toBe('not-pushed');
  });

  it('refuses a device whose serial is not Checked (409)', async () => {
    const response = await request(app)
      .post('/devices/default/leaf-04-par1/final-config/push')
      .set(operator);
    expect(response.status).toBe(409);
    expect(response.body.error.message).toMatch(
      /needs a Checked serial: resource:default\/leaf-04-par1 is in Mismatch/,
    );
    expect(auditorEvent.fail).toHaveBeenCalled();
  });

  it('answers 404 for a device outside the queue', async () => {
    const response = await request(app)
      .post('/devices/default/nope/final-config/push')
      .set(operator);
    expect(response.status).toBe(404);
  });

  it('previews a device', async () => {
    const response = await request(app)
      .get('/devices/default/spine-01-par1/final-config')
      .set(operator);
    expect(response.status).toBe(200);
    expect(response.body.rendered).toMatch(/^router bgp 65100$/m);
    expect(response.body.diff).toMatch(
      /^\+hostname spine-01-par1$|^ hostname spine-01-par1$/m,
    );
    expect(response.body.runningError).toBeUndefined();
  });

  it('pushes one device, audited', async () => {
    const response = await request(app)
      .post('/devices/default/spine-01-par1/final-config/push')
      .set(operator);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      ok: true,
      device: {
        entityRef: 'resource:default/spine-01-par1',
        confFinal: { state: 'pushed' },
      },
    });
    expect(auditor.createEvent).toHaveBeenCalledWith(
      expect.objectContaining({
        eventId: 'final-config-push',
        meta: { entityRef: 'resource:default/spine-01-par1' },
      }),
    );
    expect(auditorEvent.success).toHaveBeenCalled();
    expect(devices[0].runningConfig()).toMatch(/^router bgp 65100$/m);

    const again = await request(app)
      .post('/devices/default/spine-01-par1/final-config/push')
      .set(operator);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already Provisioned/);
  });

  it('rejects bad bulk requests (400) and changes nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /entityRefs/],
      [{ entityRefs: [] }, /at least one device/],
      [{ entityRefs: 'resource:default/spine-02-par1' }, /entityRefs/],
      [
        { entityRefs: ['resource:default/spine-02-par1'], force: true },
        /force/,
      ],
      [
        { entityRefs: ['resource:default/nope'] },
        /No device resource:default\/nope/,
      ],
      [
        {
          entityRefs: [
            'resource:default/spine-02-par1',
            'resource:default/leaf-04-par1',
          ],
        },
        /Nothing was pushed: .*leaf-04-par1 is in Mismatch/,
      ],
    ];
    for (const [body, problem] of cases) {
      const response = await request(app)
        .post('/final-config/push')
        .set(operator)
        .send(body as object);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(problem);
    }
    expect(devices[1].logins).toEqual([]);
    expect(
      (await stores.devices.getDevice('resource:default/spine-02-par1'))
        ?.confFinalState,
    ).toBe('not-pushed');
  });

  it('pushes a selection as a job and reports its progress', async () => {
    const started = await request(app)
      .post('/final-config/push')
      .set(operator)
      .send({
        entityRefs: ['resource:default/spine-02-par1', 'spine-01-lon1'],
      });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      total: 2,
      running: true,
      done: 0,
      failed: 0,
    });
    expect(auditorEvent.success).toHaveBeenCalled();

    let job = started.body;
    while (job.running) {
      await new Promise(resolve => setTimeout(resolve, 200));
      const polled = await request(app)
        .get(`/final-config/push/${job.id}`)
        .set(operator);
      expect(polled.status).toBe(200);
      job = polled.body;
    }
    expect(job).toMatchObject({ total: 2, done: 2, failed: 0 });
    expect(job.results).toEqual(
      expect.arrayContaining([
        { entityRef: 'resource:default/spine-02-par1', ok: true },
        { entityRef: 'resource:default/spine-01-lon1', ok: true },
      ]),
    );
    for (const ref of [
      'resource:default/spine-02-par1',
      'resource:default/spine-01-lon1',
    ]) {
      expect((await stores.devices.getDevice(ref))?.confFinalState).toBe(
        'pushed',
      );
    }

    const unknown = await request(app)
      .get('/final-config/push/no-such-job')
      .set(operator);
    expect(unknown.status).toBe(404);
  });
});
