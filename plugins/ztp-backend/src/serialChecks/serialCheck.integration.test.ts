import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import request from 'supertest';
import { ztpPlugin } from '../plugin';
import { deviceEntity } from '../__testUtils__/fleet';
import { freePort } from '../__testUtils__/network';
import { builtinPlatformFeatures } from '../__testUtils__/builtinPlatforms';
import { QUICK_BOOT, quickSerialChecks } from '../__testUtils__/testTimings';

import { waitFor } from '../__testUtils__/waitFor';

jest.setTimeout(90_000);

type Spec = {
  name: string;
  platform: 'cisco-iosxe' | 'cisco-nxos' | 'arista-eos' | 'juniper-junos';
  ip: string;
  declaredSerial: string;
  realSerial: string;
  behaviours?: Record<string, unknown>;
  /** More ZTP annotations of the declaration. */
  annotations?: Record<string, string>;
};

// One device per platform that should simply be Checked, and devices that
// misbehave in the ways real ones do.
const specs: Spec[] = [
  {
    name: 'ios-ok',
    platform: 'cisco-iosxe',
    ip: '127.0.30.11',
    declaredSerial: 'FOC2148Z0AB',
    realSerial: 'FOC2148Z0AB',
    behaviours: { legacyAlgorithms: true },
  },
  {
    name: 'nxos-ok',
    platform: 'cisco-nxos',
    ip: '127.0.30.12',
    declaredSerial: 'FDO21120U8N',
    realSerial: 'fdo21120u8n',
  },
  {
    name: 'eos-ok',
    platform: 'arista-eos',
    ip: '127.0.30.13',
    declaredSerial: 'JPE19251107',
    realSerial: 'JPE19251107',
    behaviours: { keyboardInteractive: true },
  },
  {
    name: 'junos-ok',
    platform: 'juniper-junos',
    ip: '127.0.30.14',
    declaredSerial: 'JN11D3F4AAFA',
    realSerial: 'JN11D3F4AAFA',
    behaviours: { shellOnly: true },
  },
  // Management ports other than the platform's usual one: the minimal
  // configuration must load on the device and leave SSH reachable.
  {
    name: 'ios-asr',
    platform: 'cisco-iosxe',
    ip: '127.0.30.15',
    declaredSerial: 'FXS2202Q1AB',
    realSerial: 'FXS2202Q1AB',
    annotations: {
      'ztp.network/management-interface': 'GigabitEthernet0',
      'ztp.network/management-vrf': 'Mgmt-intf',
    },
  },
  {
    name: 'eos-vrf',
    platform: 'arista-eos',
    ip: '127.0.30.16',
    declaredSerial: 'JPE19251199',
    realSerial: 'JPE19251199',
    annotations: { 'ztp.network/management-vrf': 'MGMT' },
  },
  {
    name: 'nxos-inband',
    platform: 'cisco-nxos',
    ip: '127.0.30.18',
    declaredSerial: 'FDO21120U9P',
    realSerial: 'FDO21120U9P',
    annotations: {
      'ztp.network/management-interface': 'Ethernet1/48',
      'ztp.network/management-vrf': 'OOB',
    },
  },
  {
    name: 'junos-mx',
    platform: 'juniper-junos',
    ip: '127.0.30.17',
    declaredSerial: 'JN11D3F4CCFC',
    realSerial: 'JN11D3F4CCFC',
    annotations: {
      'ztp.network/management-interface': 'fxp0',
      'ztp.network/management-vrf': 'mgmt_junos',
    },
    behaviours: { model: 'MX204' },
  },
  // Junos boxes declared by model only: the minimal configuration must put
  // the address on the model's own port (me0 on an EX, fxp0 on an SRX);
  // an address on another family's port name answers nothing.
  {
    name: 'junos-ex',
    platform: 'juniper-junos',
    ip: '127.0.30.19',
    declaredSerial: 'JN11D3F4DDFD',
    realSerial: 'JN11D3F4DDFD',
    annotations: { 'ztp.network/model': 'EX4300-48T' },
    behaviours: { model: 'EX4300-48T' },
  },
  {
    name: 'junos-srx',
    platform: 'juniper-junos',
    ip: '127.0.30.20',
    declaredSerial: 'CV4019AF0153',
    realSerial: 'CV4019AF0153',
    annotations: { 'ztp.network/model': 'SRX345' },
    behaviours: { model: 'SRX345' },
  },
  {
    name: 'eos-temp',
    platform: 'arista-eos',
    ip: '127.0.30.21',
    declaredSerial: 'TEMP-0001',
    realSerial: 'SSJ20154488',
  },
  {
    name: 'ios-badpass',
    platform: 'cisco-iosxe',
    ip: '127.0.30.22',
    declaredSerial: 'FOC2211X1ZZ',
    realSerial: 'FOC2211X1ZZ',
    behaviours: { refusePassword: true },
  },
  {
    name: 'nxos-slow',
    platform: 'cisco-nxos',
    ip: '127.0.30.23',
    declaredSerial: 'FDO22220A1B',
    realSerial: 'FDO22220A1B',
    behaviours: { slowMs: 4000 },
  },
  {
    name: 'junos-dead',
    platform: 'juniper-junos',
    ip: '127.0.30.24',
    declaredSerial: 'JN11D3F4BBFB',
    realSerial: 'JN11D3F4BBFB',
    behaviours: { unreachable: true },
  },
];

const OPERATOR = mockCredentials.user.header('user:default/operator');

async function deviceState(api: request.SuperTest<request.Test>, name: string) {
  const res = await api
    .get(`/api/ztp/devices/default/${name}`)
    .set({ Authorization: OPERATOR });
  return res.body as { device: any; events: any[] };
}

describe('serial checks against simulated devices', () => {
  const devices = new Map<string, SimulatedDevice>();
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let api: request.SuperTest<request.Test>;

  beforeAll(async () => {
    const provisioningPort = await freePort();
    const ports = new Map<string, number>();
    for (const s of specs) ports.set(s.name, await freePort());
    backend = await startTestBackend({
      features: [
        ztpPlugin,
        ...builtinPlatformFeatures,
        // The real scheduler, so retries and sweeps run as in production.
        schedulerServiceFactory,
        catalogServiceMock.factory({
          entities: specs.map(s =>
            deviceEntity(s.name, {
              'ztp.network/serial-number': s.declaredSerial,
              'ztp.network/platform': s.platform,
              'ztp.network/management-address': `${s.ip}/24`,
              'ztp.network/default-gateway': '127.0.30.1',
              'ztp.network/hostname': s.name,
              'ztp.network/ssh-port': String(ports.get(s.name)),
              ...s.annotations,
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
              serialCheck: quickSerialChecks(2500),
            },
          },
        }),
      ],
    });
    api = request(backend.server) as any;
    for (const s of specs) {
      const device = new SimulatedDevice({
        name: s.name,
        platform: s.platform,
        managementIp: s.ip,
        sshPort: ports.get(s.name),
        hostname: s.name,
        realSerial: s.realSerial,
        provisioningUrl: `http://127.0.0.1:${provisioningPort}`,
        ...QUICK_BOOT,
        ...s.behaviours,
      } as any);
      devices.set(s.name, device);
      await device.powerOn();
    }
  });

  afterAll(async () => {
    await Promise.all([...devices.values()].map(d => d.powerOff()));
    await backend?.stop();
  });

  it('checks every platform by itself once Conf Min is loaded', async () => {
    const client = api;
    for (const name of [
      'ios-ok',
      'nxos-ok',
      'eos-ok',
      'junos-ok',
      'ios-asr',
      'eos-vrf',
      'nxos-inband',
      'junos-mx',
      'junos-ex',
      'junos-srx',
    ]) {
      const state = await waitFor(
        async () => {
          const { device } = await deviceState(client, name);
          return device.serial.state === 'checked' ? device : undefined;
        },
        () => deviceState(client, name),
      );
      expect(state.confMin.state).toBe('loaded');
      expect(state.serial.presentedSerial.toUpperCase()).toBe(
        specs.find(s => s.name === name)!.declaredSerial,
      );
      expect(state.serial.hostKeyFingerprint).toMatch(/^SHA256:/);
    }
  });

  it('says Mismatch for a temporary serial, and a correction authorises the device', async () => {
    const mismatch = await waitFor(
      async () => {
        const { device } = await deviceState(api, 'eos-temp');
        return device.serial.state === 'mismatch' ? device : undefined;
      },
      () => deviceState(api, 'eos-temp'),
    );
    expect(mismatch.serial.presentedSerial).toBe('SSJ20154488');
    expect(mismatch.expectedSerial).toBe('TEMP-0001');

    // A correction that is still wrong keeps the Mismatch with both values.
    const wrong = await api
      .post('/api/ztp/devices/default/eos-temp/serial')
      .set({ Authorization: OPERATOR })
      .send({ newSerial: 'SSJ20154400' });
    expect(wrong.status).toBe(200);
    expect(wrong.body.outcome).toBe('mismatch');
    expect(wrong.body.device.expectedSerial).toBe('SSJ20154400');
    expect(wrong.body.device.serial.presentedSerial).toBe('SSJ20154488');

    const right = await api
      .post('/api/ztp/devices/default/eos-temp/serial')
      .set({ Authorization: OPERATOR })
      .send({ newSerial: 'ssj20154488 ' });
    expect(right.body.outcome).toBe('checked');
    expect(right.body.device.serialTemporary).toBe(false);
    const { events } = await deviceState(api, 'eos-temp');
    const corrected = events.find(e => e.type === 'serial.corrected');
    expect(corrected.actor).toBe('user:default/operator');
    expect(corrected.message).toMatch(/source file still holds TEMP-0001/);
    const corrections = await api
      .get('/api/ztp/serial-corrections')
      .set({ Authorization: mockCredentials.service.header() });
    expect(corrections.body.items).toEqual([
      expect.objectContaining({
        entityRef: 'resource:default/eos-temp',
        serial: 'ssj20154488',
        previousSerial: 'TEMP-0001',
      }),
    ]);
  });

  it('gives a clear reason when a check cannot conclude', async () => {
    const reasonOf = (name: string, pattern: RegExp) =>
      waitFor(
        async () => {
          const { device } = await deviceState(api, name);
          return pattern.test(device.serial.reason ?? '') ? device : undefined;
        },
        () => deviceState(api, name),
      );
    const badpass = await reasonOf('ios-badpass', /^authentication refused/);
    expect(badpass.serial.state).toBe('not-checked');
    expect(badpass.serial.attempts).toBeGreaterThan(0);
    // slow (4 s per answer) against a 2.5 s deadline
    await reasonOf('nxos-slow', /^timed out/);
    // configured, but SSH never listens
    await reasonOf('junos-dead', /^unreachable/);
  });

  it('stops with "host key changed" when the device presents another key, until an operator accepts the new key', async () => {
    const pinned = (await deviceState(api, 'nxos-ok')).device.serial
      .hostKeyFingerprint;
    expect(pinned).toMatch(/^SHA256:/);
    await devices.get('nxos-ok')!.regenerateHostKey();
    const res = await api
      .post('/api/ztp/devices/default/nxos-ok/serial-check')
      .set({ Authorization: OPERATOR });
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('not-checked');
    expect(res.body.reason).toMatch(/^host key changed/);
    // The key the device presented is kept for the operator to compare.
    const presented = res.body.device.serial.presentedHostKeyFingerprint;
    expect(presented).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(presented).not.toBe(pinned);
    expect(res.body.device.serial.hostKeyFingerprint).toBe(pinned);

    const accepted = await api
      .post('/api/ztp/devices/default/nxos-ok/host-key/accept')
      .set({ Authorization: OPERATOR })
      .send({ fingerprint: presented });
    expect(accepted.status).toBe(200);
    // Checked at once, over SSH with the new key.
    expect(accepted.body.outcome).toBe('checked');
    expect(accepted.body.device.serial).toMatchObject({
      state: 'checked',
      hostKeyFingerprint: presented,
    });
    expect(
      accepted.body.device.serial.presentedHostKeyFingerprint,
    ).toBeUndefined();
    const { events } = await deviceState(api, 'nxos-ok');
    const event = events.find(e => e.type === 'serial.host-key-accepted');
    expect(event.actor).toBe('user:default/operator');
    expect(event.details).toEqual({
      previousHostKey: pinned,
      acceptedHostKey: presented,
    });
  });
});
