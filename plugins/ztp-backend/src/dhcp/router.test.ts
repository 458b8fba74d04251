import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import fs from 'node:fs';
import os from 'node:os';
import { join as joinPath } from 'node:path';
import request from 'supertest';
import { builtinPlatformDrivers } from '../__testUtils__/builtinPlatforms';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { memoryStore } from '../finalConfig/__testUtils__/simulatedDevices';
import { DhcpService } from './DhcpService';
import { oneSubnetSettings, queuedDevice } from './__testUtils__/queuedDevice';
import { KeaMemfileLeaseSource } from './KeaLeaseReader';
import { createDhcpRouter } from './router';

const READER = 'user:default/reader';

describe('DHCP API', () => {
  let app: express.Express;
  let destroy: () => Promise<void>;

  beforeAll(async () => {
    const db = await memoryStore();
    destroy = () => db.knex.destroy();
    await db.stores.devices.insertDevices([
      {
        device: {
          entityRef: 'resource:default/leaf-01',
          namespace: 'default',
          name: 'leaf-01',
          platform: 'arista-eos',
          managementAddress: '198.19.9.11/24',
          managementIp: '198.19.9.11',
          sshPort: 22,
          macAddress: '52:54:00:00:00:11',
          hostname: 'leaf-01',
          declaredSerial: 'JPE19251107',
          serialTemporary: false,
          declarationHash: 'h',
          expectedSerial: 'JPE19251107',
          localUsername: 'ztp-abc123',
          localPasswordEnc: 'v1:x:y:z',
          localPasswordHash: 'unused',
        },
        event: {
          entityRef: 'resource:default/leaf-01',
          type: 'device.added',
          actor: 'system',
          message: 'added by the test',
        },
      },
    ]);
    const service = new DhcpService({
      settings: oneSubnetSettings,
      stores: db.stores,
      platforms: new PlatformRegistry(builtinPlatformDrivers),
    });
    const router = await createDhcpRouter({
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(() => ({
            result:
              (options.credentials.principal as { userEntityRef: string })
                .userEntityRef === READER
                ? AuthorizeResult.ALLOW
                : AuthorizeResult.DENY,
          })),
      }),
      service,
      status: async () => ({ mode: 'download' }),
    });
    const middleware = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    app = express().use(router).use(middleware.error());
  });

  afterAll(() => destroy?.());

  const as = (user: string) => ({
    Authorization: mockCredentials.user.header(user),
  });

  it('gives a reader the configuration with its problems, never a device it cannot serve', async () => {
    const res = await request(app).get('/dhcp/kea-config').set(as(READER));
    expect(res.status).toBe(200);
    expect(res.body.reservationCount).toBe(0);
    expect(res.body.content.Dhcp4.subnet4[0].reservations).toEqual([]);
    expect(res.body.problems).toEqual([
      {
        entityRef: 'resource:default/leaf-01',
        message:
          'leaf-01: its management address 198.19.9.11 is outside every provisioning subnet (198.18.0.0/24)',
      },
    ]);
    expect(
      (await request(app).get('/dhcp/status').set(as(READER))).body,
    ).toEqual({ mode: 'download' });
    expect(
      (await request(app).get('/dhcp/leases').set(as(READER))).body,
    ).toEqual({ available: false, items: [] });
  });

  it('refuses a user who may not read the queue, and a part it does not know', async () => {
    for (const path of [
      '/dhcp/kea-config',
      '/dhcp/summary',
      '/dhcp/status',
      '/dhcp/leases',
    ]) {
      const res = await request(app).get(path).set(as('user:default/guest'));
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'You are not allowed to read the ZTP queue',
      );
    }
    const bad = await request(app)
      .get('/dhcp/kea-config?part=subnets')
      .set(as(READER));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe(
      'part must be "whole" or "reservations", not "subnets"',
    );
  });
});

describe('DHCP API summary', () => {
  let app: express.Express;
  let destroy: () => Promise<void>;
  let dir: string;

  beforeAll(async () => {
    const db = await memoryStore();
    destroy = () => db.knex.destroy();
    // Three devices outside the subnet (three problems), one inside; all
    // Not Loaded, one of them with a lease in Kea's memfile.
    await db.stores.devices.insertDevices([
      queuedDevice(1, '198.19.9.11'),
      queuedDevice(2, '198.19.9.12'),
      queuedDevice(3, '198.19.9.13'),
      queuedDevice(4, '198.18.0.14'),
    ]);
    dir = fs.mkdtempSync(joinPath(os.tmpdir(), 'ztp-dhcp-summary-'));
    const leaseFile = joinPath(dir, 'kea-leases4.csv');
    const expire = Math.floor(Date.now() / 1000) + 3600;
    fs.writeFileSync(
      leaseFile,
      'address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,user_context,pool_id\n' +
        `198.18.0.14,52:54:00:00:00:14,,3600,${expire},1,0,0,leaf-04,0,,0\n`,
    );
    const service = new DhcpService({
      settings: {
        doorUrl: 'http://198.18.0.1:7080',
        subnets: [
          { id: 1, subnet: '198.18.0.0/24', pools: [], relayAddresses: [] },
        ],
        interfaces: ['*'],
        validLifetimeSeconds: 3600,
        debounceSeconds: 5,
      },
      stores: db.stores,
      platforms: new PlatformRegistry(builtinPlatformDrivers),
      leases: new KeaMemfileLeaseSource(leaseFile),
    });
    const router = await createDhcpRouter({
      httpAuth: mockServices.httpAuth(),
      permissions: mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      }),
      service,
      status: async () => ({ mode: 'download' }),
    });
    const middleware = MiddlewareFactory.create({
      config: mockServices.rootConfig(),
      logger: mockServices.logger.mock(),
    });
    app = express().use(router).use(middleware.error());
  });

  afterAll(async () => {
    await destroy?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const as = { Authorization: mockCredentials.user.header(READER) };

  it('counts the problems and Not Loaded devices and lists only the first ones', async () => {
    const res = await request(app).get('/dhcp/summary?limit=2').set(as);
    expect(res.status).toBe(200);
    expect(res.body.reservationCount).toBe(1);
    expect(res.body.problemCount).toBe(3);
    expect(
      res.body.problems.map((p: { entityRef: string }) => p.entityRef),
    ).toEqual(['resource:default/leaf-01', 'resource:default/leaf-02']);
    expect(res.body.leases).toMatchObject({
      available: true,
      source: expect.stringContaining('kea-leases4.csv'),
      notLoadedCount: 4,
    });
    expect(res.body.leases.notLoaded).toHaveLength(2);
    // The same counts as the full lists it stands for.
    const whole = await request(app).get('/dhcp/kea-config').set(as);
    expect(whole.body.problems).toHaveLength(res.body.problemCount);
    const leases = await request(app).get('/dhcp/leases').set(as);
    expect(leases.body.items).toHaveLength(4);
    expect(
      leases.body.items.find(
        (l: { entityRef: string }) =>
          l.entityRef === 'resource:default/leaf-04',
      ),
    ).toMatchObject({ state: 'leased', address: '198.18.0.14' });
  });

  it('lists 20 entries by default and refuses a limit that is not a small whole number', async () => {
    const res = await request(app).get('/dhcp/summary').set(as);
    expect(res.body.problems).toHaveLength(3);
    expect(res.body.leases.notLoaded).toHaveLength(4);
    for (const limit of ['-1', 'all', '1001', '2.5']) {
      const bad = await request(app)
        .get(`/dhcp/summary?limit=${limit}`)
        .set(as);
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        `limit must be a whole number from 0 to 1000, not "${limit}"`,
      );
    }
  });
});
