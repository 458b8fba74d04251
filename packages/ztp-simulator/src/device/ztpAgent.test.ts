import { createConnection } from 'node:net';
import { SimulatedDevice } from './SimulatedDevice';
import { bootFileFor, withPoapMd5 } from '../__testUtils__/bootFiles';
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
    url: '/ztp/boot/ztp-525400abcdef.py',
    userAgent: /^Python-urllib\//,
  },
  {
    platform: 'cisco-nxos',
    ip: '127.0.40.12',
    url: '/ztp/boot/poap.py',
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
    url: '/ztp/boot/junos-525400abcdef.conf',
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
      let files: Record<string, string> = {};
      const server = await startProvisioningServer((req, i) =>
        i < 2
          ? { status: 404, body: 'unknown device' }
          : {
              status: 200,
              body: files[req.url.replace(/^.*\//, '')] ?? files.script,
            },
      );
      files = bootFileFor(platform, config, server.url);
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
        rebootMs: 50,
      });
      const states: string[] = [];
      device.on('state', s => states.push(s));
      try {
        await device.powerOn();
        await device.whenConfigured(10_000);
        // EOS reboots into its new startup-config, POAP into the staged one.
        expect(states).toEqual(
          platform === 'arista-eos' || platform === 'cisco-nxos'
            ? ['booting', 'fetching', 'rebooting', 'configured']
            : ['booting', 'fetching', 'configured'],
        );
        // The POAP script fetches its configuration itself, afterwards.
        const agentRequests = server.requests.slice(0, 3);
        expect(server.requests.slice(3).map(r => r.url)).toEqual(
          platform === 'cisco-nxos' ? ['/conf.cfg'] : [],
        );
        for (const request of agentRequests) {
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
        '/ztp/boot/junos-aabbccddee01.conf',
        '/ztp/boot/ztp-access-9.py',
      ]);
    } finally {
      await ios.powerOff();
      await junos.powerOff();
      await server.close();
    }
  });

  it('keeps nothing listening until a configuration it accepts arrives', async () => {
    const ip = '127.0.40.31';
    const good = await minimalConfig('arista-eos', {
      hostname: 'leaf-9',
      username: 'u',
      password: 'p',
      ip,
    });
    let answer = { status: 503, body: 'busy' };
    const server = await startProvisioningServer(() => answer);
    const device = new SimulatedDevice({
      name: 'leaf-9',
      platform: 'arista-eos',
      managementIp: ip,
      rebootMs: 10,
      sshPort: 0,
      macAddress: '52:54:00:00:00:31',
      realSerial: 'FDO1',
      provisioningUrl: server.url,
      fetchRetryMs: 20,
      fetchRetryMaxMs: 40,
    });
    const refused = new Promise<void>(resolve =>
      device.on('fetch', f => f.status === 503 && resolve()),
    );
    try {
      await device.powerOn();
      await refused;
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

  it('EOS boots a startup-config with a typo, skipping the line it refuses as the real switch does', async () => {
    const ip = '127.0.40.32';
    const good = await minimalConfig('arista-eos', {
      hostname: 'leaf-8',
      username: 'u',
      password: 'p',
      ip,
    });
    const server = await startProvisioningServer(() => ({
      status: 200,
      body: good.replace('management ssh', 'managment ssh'),
    }));
    const device = new SimulatedDevice({
      name: 'leaf-8',
      platform: 'arista-eos',
      managementIp: ip,
      rebootMs: 10,
      sshPort: 0,
      macAddress: '52:54:00:00:00:32',
      realSerial: 'FDO2',
      provisioningUrl: server.url,
      fetchRetryMs: 20,
      fetchRetryMaxMs: 40,
    });
    const rejected = new Promise<string[]>(resolve =>
      device.once('config-rejected', resolve),
    );
    try {
      await device.powerOn();
      // ZeroTouch does not read the file: it becomes the startup-config,
      // the switch reboots, and the boot skips the line it refuses.
      expect((await rejected)[0]).toMatch(/"managment ssh": % Invalid input/);
      await device.whenConfigured(5000);
      expect(device.fetches).toHaveLength(1);
      expect(device.runningConfig()).toMatch(/^hostname leaf-8$/m);
      expect(device.runningConfig()).not.toMatch(/managment/);
      const shell = await Shell.open(
        { host: ip, port: device.sshPort!, username: 'u', password: 'p' },
        500,
      );
      try {
        await shell.expect(/leaf-8[>#]\s*$/);
        const errors = await shell.run(
          'show startup-config errors',
          /leaf-8[>#]\s*$/,
        );
        expect(errors).toMatch(/"managment ssh": % Invalid input/);
      } finally {
        shell.close();
      }
    } finally {
      await device.powerOff();
      await server.close();
    }
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
          managementIp: '198.18.0.1',
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
          provisioningUrl: 'http://198.18.0.9:7080',
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
      body: bootFileFor('cisco-iosxe', config, '').script,
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

describe('faithful agents', () => {
  const ip = '127.0.40.61';

  async function boot(
    platform: PlatformId,
    serve: (url: string) => { status: number; body: string },
    address = ip,
  ) {
    const server = await startProvisioningServer(req => serve(req.url));
    const device = new SimulatedDevice({
      name: 'f',
      platform,
      managementIp: address,
      sshPort: 0,
      macAddress: MAC,
      hostname: 'edge-07',
      realSerial: 'FDO1',
      provisioningUrl: server.url,
      fetchRetryMs: 20,
      fetchRetryMaxMs: 40,
      rebootMs: 300,
    });
    await device.powerOn();
    return { server, device };
  }

  it('POAP refuses a script whose md5sum line does not match, and runs it once it does', async () => {
    const config = await minimalConfig('cisco-nxos', {
      hostname: 'edge-07',
      username: 'u',
      password: 'p',
      ip,
    });
    let tampered = true;
    let files: Record<string, string> = {};
    const { server, device } = await boot('cisco-nxos', url => {
      const name = url.replace(/^.*\//, '');
      if (name === 'poap.py' && tampered) {
        return { status: 200, body: `${files.script}# edited afterwards\n` };
      }
      return { status: 200, body: files[name] ?? files.script };
    });
    files = bootFileFor('cisco-nxos', config, server.url);
    try {
      const reason = await new Promise<string>(resolve =>
        device.once('script-rejected', resolve),
      );
      expect(reason).toMatch(/md5sum/);
      expect(device.scripts).toHaveLength(0);
      tampered = false;
      await device.whenState('rebooting', 5000);
      // Rebooting into the staged configuration: SSH is down meanwhile.
      expect(device.sshPort).toBeUndefined();
      expect(device.hostname).toBe('switch');
      await device.whenConfigured(5000);
      expect(device.hostname).toBe('edge-07');
      expect(device.scripts[0].exitCode).toBe(0);
      expect(await portOpen(ip, device.sshPort!)).toBe(true);
    } finally {
      await device.powerOff();
      await server.close();
    }
  });

  it('POAP replays the staged configuration after the reboot, skipping (and logging) a line NX-OS refuses', async () => {
    // A script that stages without trying the file first: the replay is
    // where the refusal happens, and only the switch's log has it.
    const config = (
      await minimalConfig('cisco-nxos', {
        hostname: 'edge-07',
        username: 'u',
        password: 'p',
        ip,
      })
    ).replace('role network-admin', 'role network-admn');
    let files: Record<string, string> = {};
    const { server, device } = await boot('cisco-nxos', url => {
      const name = url.replace(/^.*\//, '');
      return { status: 200, body: files[name] ?? files.script };
    });
    files = bootFileFor('cisco-nxos', config, server.url);
    const refused: string[][] = [];
    device.on('config-rejected', (errors: string[]) => refused.push(errors));
    try {
      await device.whenConfigured(5000);
      expect(device.scripts[0].exitCode).toBe(0);
      expect(refused).toEqual([
        [
          expect.stringMatching(
            /username u password 5 .*role network-admn.*% Invalid command/s,
          ),
        ],
      ]);
      // The rest of the file went in: the switch answers, without the account.
      expect(device.hostname).toBe('edge-07');
      expect(device.runningConfig()).not.toMatch(/^username u /m);
    } finally {
      await device.powerOff();
      await server.close();
    }
  });

  it('POAP\'s cli() keeps a mode only within one call, splits on " ; " only, and raises with the switch\'s own words', async () => {
    const body = `#!/bin/env python3
from cli import cli
print("TERM:" + cli("configure terminal ; hostname in-one-call"))
try:
    cli("configure terminal;hostname glued")
except Exception as error:
    print("GLUED:%s:%s" % (type(error).__name__, error))
try:
    cli("interface mgmt0")
except Exception as error:
    print("NOMODE:%s:%s" % (type(error).__name__, error))
try:
    cli("configure terminal ; username x password 5 $5$abc$def role network-admn")
except Exception as error:
    print("ROLE:%s:%s" % (type(error).__name__, " ".join(str(error).split())))
`;
    const script = withPoapMd5(body);
    const { server, device } = await boot('cisco-nxos', () => ({
      status: 200,
      body: script,
    }));
    try {
      const record = await new Promise<{ output: string }>(resolve =>
        device.once('script-finished', resolve),
      );
      expect(record.output).toMatch(/^TERM:/m);
      expect(record.output).toMatch(/^GLUED:cli_syntax_error:/m);
      expect(record.output).toMatch(/^NOMODE:cli_syntax_error:/m);
      expect(record.output).toMatch(
        /^ROLE:cli_syntax_error:.*% Invalid command at '\^' marker\.$/m,
      );
    } finally {
      await device.powerOff();
      await server.close();
    }
  });

  it('IOS XE runs what it downloads as Python: CLI text fails, and a refused line fails the script', async () => {
    const text = await boot('cisco-iosxe', () => ({
      status: 200,
      body: 'hostname edge-07\n',
    }));
    try {
      await text.device.whenState('failed', 5000);
      expect(text.device.scripts[0].output).toMatch(
        /SyntaxError|invalid syntax/,
      );
    } finally {
      await text.device.powerOff();
      await text.server.close();
    }
    const refused = await boot(
      'cisco-iosxe',
      () => ({
        status: 200,
        body: `import cli\nfor r in cli.configure(["hostname edge-07", "interface Bogus0/0"]):\n    print(r)\n`,
      }),
      '127.0.40.62',
    );
    try {
      await refused.device.whenState('failed', 5000);
      const { output, exitCode } = refused.device.scripts[0];
      expect(exitCode).not.toBe(0);
      expect(output).toMatch(/CLIConfigurationError/);
      expect(output).toMatch(/interface Bogus0\/0: .*% Invalid input/s);
    } finally {
      await refused.device.powerOff();
      await refused.server.close();
    }
  });

  it('IOS XE serves no SSH until an RSA key exists, and refuses a key without a domain name', async () => {
    const config = (
      await minimalConfig('cisco-iosxe', {
        hostname: 'edge-07',
        username: 'u',
        password: 'p',
        ip: '127.0.40.63',
      })
    ).replace(/^ip domain name .*\n/m, '');
    const { server, device } = await boot(
      'cisco-iosxe',
      () => ({
        status: 200,
        body: `import cli\ntry:\n    cli.configure(${JSON.stringify(
          config,
        )})\nexcept cli.CLIConfigurationError as e:\n    print("refused:", e)\nprint(cli.execute("write memory"))\n`,
      }),
      '127.0.40.63',
    );
    try {
      // Configured, but never "ready": nothing listens.
      while (device.state !== 'configured') {
        await new Promise(r => setTimeout(r, 20));
      }
      expect(device.scripts[0].output).toMatch(
        /crypto key generate rsa modulus 2048: % Please define a domain-name first/,
      );
      await new Promise(r => setTimeout(r, 200));
      expect(device.sshPort).toBeUndefined();
    } finally {
      await device.powerOff();
      await server.close();
    }
  });

  it('EOS runs a "#!" file as a script with FastCli, reboots after exit 0, and starts over after a failure', async () => {
    const config = await minimalConfig('arista-eos', {
      hostname: 'edge-07',
      username: 'u',
      password: 'p',
      ip: '127.0.40.63',
    });
    // Without -p 15 FastCli lands unprivileged, as a login does.
    const script = (privilege: string, lines: string) =>
      `#!/usr/bin/env python3
import subprocess
def fastcli(args, commands):
    return subprocess.run(["FastCli"] + args + ["-c", commands], stdout=subprocess.PIPE, universal_newlines=True).stdout
print("unprivileged: " + fastcli([], "configure"))
out = fastcli(${privilege}, "configure\\n" + ${JSON.stringify(
        lines,
      )} + "\\nend\\ncopy running-config startup-config")
print(out)
raise SystemExit(1 if "%" in out else 0)
`;
    let body = script('["-p", "15"]', 'hostname edge-07\ninterface Bogus9');
    const { server, device } = await boot(
      'arista-eos',
      () => ({ status: 200, body }),
      '127.0.40.63',
    );
    try {
      const refused = await new Promise<any>(resolve =>
        device.once('script-finished', resolve),
      );
      expect(refused.exitCode).toBe(1);
      expect(refused.output).toMatch(
        /unprivileged: % Invalid input \(privileged mode required\)/,
      );
      expect(refused.output).toMatch(/^% Invalid input$/m);
      expect(device.state).not.toBe('configured');
      body = script('["-p", "15"]', config.replace(/^end$/m, ''));
      await device.whenState('rebooting', 5000);
      // The script saved, so the switch reboots into the configuration.
      expect(device.sshPort).toBeUndefined();
      await device.whenConfigured(5000);
      expect(device.scripts.at(-1)!.exitCode).toBe(0);
      expect(device.hostname).toBe('edge-07');
      expect(device.fetches.length).toBeGreaterThan(1);
      expect(await portOpen('127.0.40.63', device.sshPort!)).toBe(true);
    } finally {
      await device.powerOff();
      await server.close();
    }
  });

  it('POAP scripts need the md5 helper to match exactly', () => {
    const script = withPoapMd5('#!/bin/env python3\nprint(1)\n');
    expect(script.split('\n')[1]).toMatch(/^#md5sum="[0-9a-f]{32}"$/);
  });
});
