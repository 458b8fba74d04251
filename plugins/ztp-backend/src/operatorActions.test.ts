import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ztpHostKeyAcceptPermission } from '@ztp-portal/backstage-plugin-ztp-common';
import request from 'supertest';
import { ztpPlugin } from './plugin';
import { deviceEntity } from './__testUtils__/fleet';
import { freePort } from './__testUtils__/network';
import { builtinPlatformFeatures } from './__testUtils__/builtinPlatforms';

jest.setTimeout(30_000);

const OPERATOR = mockCredentials.user.header('user:default/operator');
const VIEWER = mockCredentials.user.header('user:default/viewer');
const FINGERPRINT = `SHA256:${'k'.repeat(43)}`;

async function startZtp() {
  const auditEvents: unknown[] = [];
  const backend = await startTestBackend({
    features: [
      ztpPlugin,
      ...builtinPlatformFeatures,
      catalogServiceMock.factory({
        entities: [
          deviceEntity('leaf-eos', {
            'ztp.network/serial-number': 'SSJ17371234',
            'ztp.network/platform': 'arista-eos',
            'ztp.network/management-address': '127.0.10.13/24',
            'ztp.network/mac-address': '52:54:00:0a:00:13',
          }),
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          ztp: {
            secrets: { key: 'test-key-0123456789abcdef' },
            provisioning: {
              host: '127.0.0.1',
              port: await freePort(),
              tftp: { enabled: false },
            },
            serialCheck: { connectTimeoutMs: 300, deadlineMs: 1000 },
          },
        },
      }),
      mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(r => ({
            result:
              r.permission.name === ztpHostKeyAcceptPermission.name &&
              (options.credentials.principal as any).userEntityRef !==
                'user:default/operator'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      }).factory,
      mockServices.auditor.mock({
        createEvent: async options => {
          auditEvents.push({ created: options.eventId, meta: options.meta });
          return {
            success: async o => void auditEvents.push({ success: o?.meta }),
            fail: async o => void auditEvents.push({ fail: o.error.message }),
          };
        },
      }).factory,
    ],
  });
  return { api: request(backend.server), backend, auditEvents };
}

describe('operator actions on a device', () => {
  it('accepts a new host key only with the permission, a fingerprint, and a key waiting, and audits each try', async () => {
    const { api, backend, auditEvents } = await startZtp();
    try {
      const route = '/api/ztp/devices/default/leaf-eos/host-key/accept';
      const none = await api
        .post(route)
        .set({ Authorization: mockCredentials.none.header() })
        .send({ fingerprint: FINGERPRINT });
      expect(none.status).toBe(401);
      const viewer = await api
        .post(route)
        .set({ Authorization: VIEWER })
        .send({ fingerprint: FINGERPRINT });
      expect(viewer.status).toBe(403);
      expect(viewer.body.error.message).toMatch(/new SSH host keys/);
      const bad = await api
        .post(route)
        .set({ Authorization: OPERATOR })
        .send({ fingerprint: 'md5:aa:bb' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/fingerprint: must be an OpenSSH/);
      const missing = await api
        .post('/api/ztp/devices/default/nope/host-key/accept')
        .set({ Authorization: OPERATOR })
        .send({ fingerprint: FINGERPRINT });
      expect(missing.status).toBe(404);
      // The device presented no other key: nothing to accept.
      const nothing = await api
        .post(route)
        .set({ Authorization: OPERATOR })
        .send({ fingerprint: FINGERPRINT });
      expect(nothing.status).toBe(409);
      expect(nothing.body.error.message).toMatch(/nothing to accept/);
      expect(auditEvents).toContainEqual({
        created: 'host-key-accept',
        meta: { entityRef: 'resource:default/leaf-eos' },
      });
      // Every refused try past the sign-in check is audited as failed.
      expect(
        auditEvents.filter(e => (e as { fail?: string }).fail),
      ).toHaveLength(4);
      const details = await api
        .get('/api/ztp/devices/default/leaf-eos')
        .set({ Authorization: OPERATOR });
      expect(details.body.device.serial.hostKeyFingerprint).toBeUndefined();
    } finally {
      await backend.stop();
    }
  });

  it("refuses a correction of a Wrong serial that is not the device's anymore with a 409 naming the current value", async () => {
    const { api, backend } = await startZtp();
    try {
      const res = await api
        .post('/api/ztp/devices/default/leaf-eos/serial')
        .set({ Authorization: OPERATOR })
        .send({ newSerial: 'SSJ20154488', wrongSerial: 'TEMP-0001' });
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/is now SSJ17371234/);
      const details = await api
        .get('/api/ztp/devices/default/leaf-eos')
        .set({ Authorization: OPERATOR });
      expect(details.body.device.expectedSerial).toBe('SSJ17371234');
      expect(
        details.body.events.filter((e: any) => e.type === 'serial.corrected'),
      ).toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});
