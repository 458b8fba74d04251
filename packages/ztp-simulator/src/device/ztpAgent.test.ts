import { createConnection } from 'node:net';
import { SimulatedDevice } from './SimulatedDevice';
import { minimalConfig } from '../__testUtils__/minimalConfigs';
import { startProvisioningServer } from '../__testUtils__/provisioningServer';
import type { PlatformId } from '../platforms/types';
import { Shell } from '../__testUtils__/sshClient';

const MAC = '52:54:00:AB:CD:EF';

const cases: Array<{
  platform: PlatformId;
  ip: string;
  url: string;
  userAgent: RegExp;
  headers?: Record<string, string>;
}> = [
  {
    platform: 'cisco-iosxe',
    ip: '127.0.40.11',
    url: '/ztp/config/by-mac/5254.00ab.cdef.cfg',
    userAgent: /^Python-urllib\//,
  },
  {
    platform: 'cisco-nxos',
    ip: '127.0.40.12',
    url: '/ztp/config/by-mac/525400ABCDEF.cfg',
    userAgent: /^curl\//,
  },
  {
    platform: 'arista-eos',
    ip: '127.0.40.13',
    url: '/ztp/config',
    userAgent: /^python-requests\//,
    headers: {
      'x-arista-systemmac': '52:54:00:ab:cd:ef',
      'x-arista-serial': 'REAL-SERIAL-1',
      'x-arista-sku': 'DCS-7050SX3-48YC8',
      'x-arista-softwareversion': '4.31.2F',
      'x-arista-hardwareversion': '11.01',
      'x-arista-architecture': 'i686',
    },
  },
  {
    platform: 'juniper-junos',
    ip: '127.0.40.14',
    url: '/ztp/config/by-hostname/edge-07.conf',
    userAgent: /^fetch libfetch\//,
  },
];

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = createConnection({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('ZTP agent', () => {
  it.each(cases)(
    '$platform asks like its agent, retries 404s and applies the configuration',
    async ({ platform, ip, url, userAgent, headers }) => {
      const config = await minimalConfig(platform, {
        hostname: 'edge-07',
        username: 'ztp-a',
        password: 'pw',
        ip,
      });
      const server = await startProvisioningServer((_req, i) =>
        i < 2
          ? { status: 404, body: 'unknown device' }
          : { status: 200, body: config },
      );
      const device = new SimulatedDevice({
        name: 'edge-07',
        platform,
        managementIp: ip,
        sshPort: 0,
        macAddress: MAC,
        hostname: 'edge-07',
        realSerial: 'REAL-SERIAL-1',
        provisioningUrl: server.url,
        fetchRetryMs: 20,
      });
      const states: string[] = [];
      device.on('state', s => states.push(s));
      try {
        await device.powerOn();
        await device.whenConfigured(5000);
        expect(states).toEqual(['booting', 'fetching', 'configured']);
        expect(server.requests).toHaveLength(3);
        for (const request of server.requests) {
          expect(request.url).toBe(url);
          expect(request.headers['user-agent']).toMatch(userAgent);
          // The request leaves from the device's own address.
          expect(request.remoteAddress).toBe(ip);
          for (const [name, value] of Object.entries(headers ?? {})) {
            expect(request.headers[name]).toBe(value);
          }
        }
        expect(device.fetches.map(f => f.status)).toEqual([404, 404, 200]);
        expect(device.fetches[0].url).toBe(`${server.url}${url}`);
        expect(device.hostname).toBe('edge-07');
        expect(await portOpen(ip, device.sshPort!)).toBe(true);
      } finally {
        await device.powerOff();
        await server.close();
      }
    },
  );

  it('asks by hostname without a MAC, and by MAC without a hostname', async () => {
    const server = await startProvisioningServer(() => ({
      status: 404,
      body: 'unknown device',
    }));
    const ios = new SimulatedDevice({
      name: 'a',
      platform: 'cisco-iosxe',
      managementIp: '127.0.40.21',
      hostname: 'access-9',
      realSerial: 'X',
      provisioningUrl: server.url,
    });
    const junos = new SimulatedDevice({
      name: 'b',
      platform: 'juniper-junos',
      managementIp: '127.0.40.22',
      macAddress: 'aa-bb-cc-dd-ee-01',
      realSerial: 'Y',
      provisioningUrl: server.url,
    });
    try {
      await ios.powerOn();
      await junos.powerOn();
      await ios.whenState('fetching');
      await junos.whenState('fetching');
      const until = Date.now() + 3000;
      while (server.requests.length < 2 && Date.now() < until) {
        await new Promise(r => setTimeout(r, 20));
      }
      const urls = server.requests.map(r => r.url).sort();
      expect(urls).toEqual([
        '/ztp/config/by-hostname/access-9.cfg',
        '/ztp/config/by-mac/aabbccddee01.conf',
      ]);
    } finally {
      await ios.powerOff();
      await junos.powerOff();
      await server.close();
    }
  });

  it('keeps nothing listening until a configuration it accepts arrives', async () => {
    const ip = '127.0.40.31';
    const good = await minimalConfig('cisco-nxos', {
      hostname: 'leaf-9',
      username: 'u',
      password: 'p',
      ip,
    });
    let answer = { status: 503, body: 'busy' };
    const server = await startProvisioningServer(() => answer);
    const device = new SimulatedDevice({
      name: 'leaf-9',
      platform: 'cisco-nxos',
      managementIp: ip,
      sshPort: 0,
      macAddress: '52:54:00:00:00:31',
      realSerial: 'FDO1',
      provisioningUrl: server.url,
      fetchRetryMs: 20,
      fetchRetryMaxMs: 40,
    });
    const rejected = new Promise<string[]>(resolve =>
      device.once('config-rejected', resolve),
    );
    const refused = new Promise<void>(resolve =>
      device.on('fetch', f => f.status === 503 && resolve()),
    );
    try {
      await device.powerOn();
      await refused;
      expect(device.state).toBe('fetching');
      expect(device.sshPort).toBeUndefined();
      // A configuration with a typo is rejected as the real CLI would.
      answer = {
        status: 200,
        body: good.replace('feature ssh', 'feature shh'),
      };
      expect((await rejected)[0]).toMatch(
        /line 2: "feature shh": % Invalid command/,
      );
      expect(device.state).toBe('fetching');
      expect(device.sshPort).toBeUndefined();
      answer = { status: 200, body: good };
      await device.whenConfigured(5000);
      expect(device.fetches.some(f => f.status === 503)).toBe(true);
    } finally {
      await device.powerOff();
      await server.close();
    }
    expect(device.state).toBe('off');
  });

  it('retries when the provisioning server is down', async () => {
    const device = new SimulatedDevice({
      name: 'c',
      platform: 'arista-eos',
      managementIp: '127.0.40.41',
      realSerial: 'JPE1',
      macAddress: '52:54:00:00:00:41',
      provisioningUrl: 'http://127.0.0.1:1',
      fetchRetryMs: 10,
      fetchRetryMaxMs: 20,
    });
    try {
      await device.powerOn();
      const until = Date.now() + 3000;
      while (device.fetches.length < 3 && Date.now() < until) {
        await new Promise(r => setTimeout(r, 10));
      }
      expect(device.fetches.length).toBeGreaterThanOrEqual(3);
      expect(device.fetches[0].error).toMatch(/ECONNREFUSED/);
    } finally {
      await device.powerOff();
    }
  });

  it('refuses addresses outside 127.0.0.0/8', () => {
    expect(
      () =>
        new SimulatedDevice({
          name: 'x',
          platform: 'cisco-iosxe',
          managementIp: '10.0.0.1',
          realSerial: 'X',
          provisioningUrl: 'http://127.0.0.1:7080',
        }),
    ).toThrow(/127\.0\.0\.0\/8/);
    expect(
      () =>
        new SimulatedDevice({
          name: 'x',
          platform: 'cisco-iosxe',
          managementIp: '127.0.0.5',
          realSerial: 'X',
          provisioningUrl: 'http://192.0.2.1:7080',
        }),
    ).toThrow(/provisioning URL host/);
  });
});

describe('power cycles', () => {
  it('boot the saved configuration without ZTP, and erasing brings ZTP back', async () => {
    const ip = '127.0.40.51';
    const config = await minimalConfig('cisco-iosxe', {
      hostname: 'edge-07',
      username: 'u',
      password: 'p',
      ip,
    });
    const server = await startProvisioningServer(() => ({
      status: 200,
      body: config,
    }));
    const device = new SimulatedDevice({
      name: 'edge-07',
      platform: 'cisco-iosxe',
      managementIp: ip,
      sshPort: 0,
      macAddress: MAC,
      realSerial: 'FOC1',
      provisioningUrl: server.url,
      fetchRetryMs: 20,
    });
    const login = () => ({
      host: ip,
      port: device.sshPort!,
      username: 'u',
      password: 'p',
    });
    try {
      await device.powerOn();
      await device.whenConfigured(5000);
      const shell = await Shell.open(login());
      await shell.expect(/edge-07#$/);
      await shell.run('configure terminal', /\(config\)#$/);
      await shell.run('hostname unsaved-name', /\(config\)#$/);
      await shell.run('end', /unsaved-name#$/);
      shell.close();
      expect(device.hostname).toBe('unsaved-name');

      await device.powerOff();
      await device.powerOn();
      await device.whenConfigured(5000);
      expect(server.requests).toHaveLength(1);
      expect(device.hostname).toBe('edge-07');

      await device.powerOff();
      device.eraseConfig();
      await device.powerOn();
      await device.whenConfigured(5000);
      expect(server.requests).toHaveLength(2);
    } finally {
      await device.powerOff();
      await server.close();
    }
  });
});
