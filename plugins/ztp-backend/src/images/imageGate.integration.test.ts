import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ztpImageOverridePermission } from '@ztp-portal/backstage-plugin-ztp-common';
import { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import request from 'supertest';
import { ztpPlugin } from '../plugin';
import { deviceEntity } from '../__testUtils__/fleet';
import { freePort } from '../__testUtils__/network';
import { builtinPlatformFeatures } from '../__testUtils__/builtinPlatforms';
import { QUICK_BOOT, quickSerialChecks } from '../__testUtils__/testTimings';

jest.setTimeout(90_000);

const OPERATOR = mockCredentials.user.header('user:default/operator');
/** May push, may not override the image gate. */
const PUSHER = mockCredentials.user.header('user:default/pusher');

const devices = [
  // The simulated EOS runs 4.31.2F: not the approved 4.32.0F.
  {
    name: 'eos-old',
    platform: 'arista-eos',
    ip: '127.0.31.13',
    serial: 'JPE19251107',
  },
  // The simulated IOS XE runs 17.09.04a: the approved 17.9.4a, written as
  // its files name it.
  {
    name: 'ios-current',
    platform: 'cisco-iosxe',
    ip: '127.0.31.11',
    serial: 'FOC2148Z0AB',
  },
] as const;

describe('approved images and the image gate of Conf Final', () => {
  const simulated: SimulatedDevice[] = [];
  const auditEvents: { id: string; meta?: unknown; outcome?: string }[] = [];
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let api: request.SuperTest<request.Test>;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-gate-'));
    const eos = Buffer.from('EOS 4.32.0F image '.repeat(4096));
    const ios = Buffer.from('IOS XE 17.9.4a image '.repeat(4096));
    fs.writeFileSync(path.join(dir, 'EOS-4.32.0F.swi'), eos);
    fs.writeFileSync(path.join(dir, 'cat9k_iosxe.17.09.04a.SPA.bin'), ios);
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const provisioningPort = await freePort();
    const ports = new Map<string, number>();
    for (const d of devices) ports.set(d.name, await freePort());
    backend = await startTestBackend({
      features: [
        ztpPlugin,
        ...builtinPlatformFeatures,
        schedulerServiceFactory,
        catalogServiceMock.factory({
          entities: devices.map(d =>
            deviceEntity(d.name, {
              'ztp.network/serial-number': d.serial,
              'ztp.network/platform': d.platform,
              'ztp.network/management-address': `${d.ip}/24`,
              'ztp.network/default-gateway': '127.0.31.1',
              'ztp.network/hostname': d.name,
              'ztp.network/ssh-port': String(ports.get(d.name)),
            }),
          ),
        }),
        mockServices.rootConfig.factory({
          data: {
            ztp: {
              secrets: { key: 'integration-key-0123456789' },
              provisioning: {
                port: provisioningPort,
                tftp: { enabled: false },
              },
              serialCheck: quickSerialChecks(5000),
              images: {
                directory: dir,
                approved: [
                  {
                    platform: 'arista-eos',
                    version: '4.32.0F',
                    file: 'EOS-4.32.0F.swi',
                    size: eos.length,
                    sha256: sha(eos),
                  },
                  {
                    platform: 'cisco-iosxe',
                    modelFamily: 'C9300',
                    version: '17.9.4a',
                    file: 'cat9k_iosxe.17.09.04a.SPA.bin',
                    size: ios.length,
                    // Declared with another file's checksum: refused.
                    sha256: sha(eos),
                  },
                ],
              },
            },
          },
        }),
        mockServices.permissions.mock({
          authorize: async (requests, options) =>
            requests.map(r => ({
              result:
                r.permission.name === ztpImageOverridePermission.name &&
                (options.credentials.principal as any).userEntityRef !==
                  'user:default/operator'
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })),
        }).factory,
        mockServices.auditor.mock({
          createEvent: async options => {
            auditEvents.push({ id: options.eventId, meta: options.meta });
            return {
              success: async () =>
                void auditEvents.push({ id: options.eventId, outcome: 'ok' }),
              fail: async o =>
                void auditEvents.push({
                  id: options.eventId,
                  outcome: o.error.message,
                }),
            };
          },
        }).factory,
      ],
    });
    api = request(backend.server) as any;
    for (const d of devices) {
      const device = new SimulatedDevice({
        name: d.name,
        platform: d.platform,
        managementIp: d.ip,
        sshPort: ports.get(d.name),
        hostname: d.name,
        realSerial: d.serial,
        provisioningUrl: `http://127.0.0.1:${provisioningPort}`,
        ...QUICK_BOOT,
      } as any);
      simulated.push(device);
      await device.powerOn();
    }
  });

  afterAll(async () => {
    await Promise.all(simulated.map(d => d.powerOff()));
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function checked(name: string) {
    const end = Date.now() + 45_000;
    for (;;) {
      const res = await api
        .get(`/api/ztp/devices/default/${name}`)
        .set({ Authorization: OPERATOR });
      if (res.body.device?.serial.state === 'checked') return res.body;
      if (Date.now() > end) {
        throw new Error(`${name} not Checked: ${JSON.stringify(res.body)}`);
      }
      await new Promise(r => setTimeout(r, 250));
    }
  }

  it('lists the approved images with each file verified or refused, and why', async () => {
    const end = Date.now() + 20_000;
    let images: any[] = [];
    while (Date.now() < end) {
      const res = await api
        .get('/api/ztp/images')
        .set({ Authorization: OPERATOR });
      expect(res.status).toBe(200);
      images = res.body.images;
      if (images.every(i => i.status !== 'missing')) break;
      await new Promise(r => setTimeout(r, 200));
    }
    expect(images.map(i => [i.file, i.status])).toEqual([
      ['EOS-4.32.0F.swi', 'verified'],
      ['cat9k_iosxe.17.09.04a.SPA.bin', 'checksum-mismatch'],
    ]);
    expect(images[1].problem).toMatch(
      /^cat9k_iosxe\.17\.09\.04a\.SPA\.bin has SHA-256 [0-9a-f]{64}, the approved image [0-9a-f]{64}$/,
    );
    const anonymous = await api
      .get('/api/ztp/images')
      .set({ Authorization: mockCredentials.none.header() });
    expect(anonymous.status).toBe(401);
  });

  it('reads the running version with the serial check, in the same session', async () => {
    const eos = await checked('eos-old');
    expect(eos.device.software).toMatchObject({ runningVersion: '4.31.2F' });
    expect(eos.device.software.model).toMatch(/^DCS-|^CCS-|^vEOS/);
    const ios = await checked('ios-current');
    expect(ios.device.software.runningVersion).toBe('17.09.04a');
    expect(
      eos.events.find((e: any) => e.type === 'serial.checked').message,
    ).toContain('it runs 4.31.2F');
  });

  it('filters the device list on image compliance, and refuses an unknown state', async () => {
    await checked('eos-old');
    await checked('ios-current');
    const list = async (image: string) => {
      const res = await api
        .get('/api/ztp/devices')
        .query({ image })
        .set({ Authorization: OPERATOR });
      expect(res.status).toBe(200);
      expect(res.body.totalCount).toBe(res.body.items.length);
      return res.body.items.map((d: any) => d.name);
    };
    // EOS runs 4.31.2F, approved 4.32.0F. The IOS XE device runs 17.09.04a,
    // the approved 17.9.4a when it is a C9300, else no image is approved.
    const ios = (
      await api
        .get('/api/ztp/devices/default/ios-current')
        .set({ Authorization: OPERATOR })
    ).body.device;
    const iosCompliant = /^C9300/i.test(ios.software.model ?? '');
    expect(await list('upgrade-needed')).toEqual(['eos-old']);
    expect(await list('compliant')).toEqual(
      iosCompliant ? ['ios-current'] : [],
    );
    expect(await list('unknown')).toEqual(iosCompliant ? [] : ['ios-current']);

    const bad = await api
      .get('/api/ztp/devices')
      .query({ image: 'upgrading' })
      .set({ Authorization: OPERATOR });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/^image: /);
  });

  it('refuses Conf Final (Push) to a device not on its approved image, with a clear 409', async () => {
    await checked('eos-old');
    const res = await api
      .post('/api/ztp/devices/default/eos-old/final-config/push')
      .set({ Authorization: OPERATOR });
    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(
      'Conf Final (Push) refused: resource:default/eos-old runs 4.31.2F, not the approved image 4.32.0F (Upgrade needed). Upgrade it first, or push with the image override (permission ztp.image.override)',
    );
    const bulk = await api
      .post('/api/ztp/final-config/push')
      .set({ Authorization: OPERATOR })
      .send({ entityRefs: ['resource:default/eos-old'] });
    expect(bulk.status).toBe(400);
    expect(bulk.body.error.message).toContain(
      'runs 4.31.2F, not the approved image 4.32.0F',
    );
    const { body } = await api
      .get('/api/ztp/devices/default/eos-old')
      .set({ Authorization: OPERATOR });
    expect(body.device.confFinal.state).not.toBe('pushed');
  });

  it('lets an operator with ztp.image.override push anyway, audited and in the timeline', async () => {
    await checked('eos-old');
    const denied = await api
      .post('/api/ztp/devices/default/eos-old/final-config/push')
      .set({ Authorization: PUSHER })
      .send({ overrideImage: true });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/ztp\.image\.override/);
    expect(auditEvents).toContainEqual({
      id: 'final-config-image-override',
      outcome: expect.stringMatching(/not allowed/),
    });

    const allowed = await api
      .post('/api/ztp/devices/default/eos-old/final-config/push')
      .set({ Authorization: OPERATOR })
      .send({ overrideImage: true });
    // Past the gate: whatever the push itself answers, not the gate's 409.
    expect(allowed.body.error?.message ?? '').not.toContain(
      'Conf Final (Push) refused',
    );
    expect(auditEvents).toContainEqual({
      id: 'final-config-image-override',
      meta: {
        entityRef: 'resource:default/eos-old',
        running: '4.31.2F',
        approved: '4.32.0F',
      },
    });
    expect(auditEvents).toContainEqual({
      id: 'final-config-image-override',
      outcome: 'ok',
    });
    const { body } = await api
      .get('/api/ztp/devices/default/eos-old')
      .set({ Authorization: OPERATOR });
    expect(body.events).toContainEqual(
      expect.objectContaining({
        type: 'conffinal.image-override',
        actor: 'user:default/operator',
      }),
    );
  });
});
