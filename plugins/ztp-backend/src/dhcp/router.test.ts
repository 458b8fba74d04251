import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { builtinPlatformDrivers } from '../__testUtils__/builtinPlatforms';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { memoryStore } from '../finalConfig/__testUtils__/simulatedDevices';
import { DhcpService } from './DhcpService';
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
    for (const path of ['/dhcp/kea-config', '/dhcp/status', '/dhcp/leases']) {
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
