import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import {
  SimulatedDevice,
  type SimulatedDeviceOptions,
} from '@ztp-portal/ztp-simulator';
import request from 'supertest';
import { ztpPlugin } from '../plugin';
import { builtinPlatformFeatures } from './builtinPlatforms';
import { deviceEntity } from './fleet';
import { freePort } from './network';
import { QUICK_BOOT, quickSerialChecks } from './testTimings';

/** A factory-default device: its catalog entity and its simulated box. */
export type TestDeviceSpec = {
  name: string;
  platform: string;
  ip: string;
  serial: string;
  mac: string;
  /** The file DHCP names (/ztp/boot/...); the platform's default request otherwise. */
  bootFile?: string;
  /** More annotations of its entity. */
  annotations?: Record<string, string>;
  /** More options of its simulated box (behaviours, software version...). */
  simulator?: Partial<SimulatedDeviceOptions>;
};

export const OPERATOR = mockCredentials.user.header('user:default/operator');

type DeviceState = { device: any; events: any[] };

/**
 * The real backend with the ZTP plugin, every platform module and a
 * catalog holding the given devices, its door on a free port, and the
 * simulated boxes the test powers on: one set-up for the integration
 * tests that bring devices from factory default through their own agents.
 */
export async function startZtpTestBackend(options: {
  devices: TestDeviceSpec[];
  /** Default gateway of every device. */
  gateway: string;
  /** ztp.* settings over the test defaults (TFTP off, quick serial checks). */
  ztp?: JsonObject;
  /** The serial checks' deadline (quickSerialChecks). */
  serialDeadlineMs?: number;
}) {
  const provisioningPort = await freePort();
  const door = `http://127.0.0.1:${provisioningPort}`;
  const sshPorts = new Map<string, number>();
  for (const s of options.devices) sshPorts.set(s.name, await freePort());
  const ztp = options.ztp ?? {};
  const backend = await startTestBackend({
    features: [
      ztpPlugin,
      ...builtinPlatformFeatures,
      schedulerServiceFactory,
      catalogServiceMock.factory({
        entities: options.devices.map(s =>
          deviceEntity(s.name, {
            'ztp.network/serial-number': s.serial,
            'ztp.network/platform': s.platform,
            'ztp.network/management-address': `${s.ip}/24`,
            'ztp.network/default-gateway': options.gateway,
            'ztp.network/hostname': s.name,
            'ztp.network/mac-address': s.mac,
            'ztp.network/ssh-port': String(sshPorts.get(s.name)),
            ...s.annotations,
          }),
        ),
      }),
      mockServices.rootConfig.factory({
        data: {
          ztp: {
            secrets: { key: 'integration-key-0123456789' },
            serialCheck: quickSerialChecks(options.serialDeadlineMs ?? 4000),
            ...ztp,
            provisioning: {
              port: provisioningPort,
              tftp: { enabled: false },
              ...(ztp.provisioning as JsonObject | undefined),
            },
          },
        },
      }),
    ],
  });
  const api = request(backend.server) as any;
  const powered: SimulatedDevice[] = [];

  const deviceState = async (name: string): Promise<DeviceState> => {
    const res = await api
      .get(`/api/ztp/devices/default/${name}`)
      .set({ Authorization: OPERATOR });
    return res.body;
  };

  return {
    backend,
    api,
    door,
    sshPorts,
    deviceState,

    /**
     * The simulated box of a declared device, not powered on yet (so that
     * the test can listen to it first); powered off by stop().
     */
    simulatedDevice(
      spec: TestDeviceSpec,
      more: Partial<SimulatedDeviceOptions> = {},
    ): SimulatedDevice {
      const device = new SimulatedDevice({
        name: spec.name,
        platform: spec.platform as SimulatedDeviceOptions['platform'],
        managementIp: spec.ip,
        sshPort: sshPorts.get(spec.name),
        macAddress: spec.mac,
        hostname: spec.name,
        realSerial: spec.serial,
        provisioningUrl: door,
        bootFileUrl: spec.bootFile
          ? `${door}/ztp/boot/${spec.bootFile}`
          : undefined,
        ...QUICK_BOOT,
        rebootMs: 500,
        ...spec.simulator,
        ...more,
      });
      powered.push(device);
      return device;
    },

    /**
     * The device's state and timeline once `until` holds, or an error with
     * the last of both and `describe` (what the box did) after timeoutMs.
     */
    async waitForDevice(
      name: string,
      until: (state: DeviceState) => boolean,
      describe: () => unknown = () => undefined,
      timeoutMs = 60_000,
    ): Promise<DeviceState> {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const state = await deviceState(name);
        if (state.device && until(state)) return state;
        if (Date.now() > end) {
          throw new Error(
            `timed out waiting for ${name}; last state: ${JSON.stringify({
              backend: state,
              device: describe(),
            })}`,
          );
        }
        await new Promise(r => setTimeout(r, 250));
      }
    },

    async stop() {
      await Promise.all(powered.map(d => d.powerOff()));
      await backend.stop();
    },
  };
}

export type ZtpTestBackend = Awaited<ReturnType<typeof startZtpTestBackend>>;
