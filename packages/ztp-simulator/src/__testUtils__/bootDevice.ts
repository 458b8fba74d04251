import { SimulatedDevice } from '../device/SimulatedDevice';
import type { SimulatedDeviceOptions } from '../device/types';
import type { PlatformId } from '../platforms/types';
import { bootFileFor } from './bootFiles';
import { minimalConfig } from './minimalConfigs';
import { startProvisioningServer } from './provisioningServer';
import type { Login } from './sshClient';

export const TEST_USER = 'ztp-3f9a1c';
export const TEST_PASSWORD = 'S1mulated!pass';

const HOSTNAMES: Record<PlatformId, string> = {
  'cisco-iosxe': 'leaf-01',
  'cisco-nxos': 'leaf-02',
  'arista-eos': 'leaf-03',
  'juniper-junos': 'edge-01',
};

export type BootedDevice = {
  device: SimulatedDevice;
  login: Login;
  hostname: string;
  stop(): Promise<void>;
};

/**
 * A device of `platform` that fetched the contract's minimal configuration
 * from a throw-away provisioning server and listens on an ephemeral port.
 */
export async function bootDevice(
  platform: PlatformId,
  ip: string,
  options: Partial<SimulatedDeviceOptions> = {},
): Promise<BootedDevice> {
  const hostname = HOSTNAMES[platform];
  const config = await minimalConfig(platform, {
    hostname,
    username: TEST_USER,
    password: TEST_PASSWORD,
    ip,
  });
  let files: Record<string, string> = {};
  const server = await startProvisioningServer(request => {
    const name = request.url.replace(/^.*\//, '');
    return { status: 200, body: files[name] ?? files.script };
  });
  files = bootFileFor(platform, config, server.url);
  const device = new SimulatedDevice({
    name: hostname,
    platform,
    managementIp: ip,
    sshPort: 0,
    hostname,
    macAddress: '52:54:00:aa:bb:01',
    realSerial: 'UNSET',
    provisioningUrl: server.url,
    fetchRetryMs: 20,
    rebootMs: 10,
    ...options,
  });
  await device.powerOn();
  try {
    await device.whenConfigured(10_000);
  } finally {
    await server.close();
  }
  return {
    device,
    hostname,
    login: {
      host: ip,
      port: device.sshPort ?? 0,
      username: TEST_USER,
      password: TEST_PASSWORD,
    },
    stop: () => device.powerOff(),
  };
}
