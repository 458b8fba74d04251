import type { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ciscoIosXeDriver } from './__testUtils__/builtinPlatforms';
import { md5Hex } from '@ztp-portal/backstage-plugin-ztp-node';
import { httpGet } from './__testUtils__/network';
import { waitFor } from './__testUtils__/waitFor';
import {
  startZtpTestBackend,
  type TestDeviceSpec,
  type ZtpTestBackend,
} from './__testUtils__/ztpTestBackend';

jest.setTimeout(120_000);

type Spec = TestDeviceSpec & {
  platform: 'cisco-iosxe' | 'cisco-nxos' | 'arista-eos' | 'juniper-junos';
};

// Factory-default devices that fetch what their platform's own agent
// fetches, from the real door: a Guest Shell script, POAP's script and
// its configuration with the .md5, an EOS startup-config, a Junos file.
const specs: Spec[] = [
  {
    name: 'ios-ztp',
    platform: 'cisco-iosxe',
    ip: '127.0.31.11',
    serial: 'FOC2148Z0AB',
    mac: '52:54:00:31:00:11',
  },
  {
    name: 'nxos-poap',
    platform: 'cisco-nxos',
    ip: '127.0.31.12',
    serial: 'FDO21120U8N',
    mac: '52:54:00:31:00:12',
  },
  {
    name: 'eos-ztp',
    platform: 'arista-eos',
    ip: '127.0.31.13',
    serial: 'JPE19251107',
    mac: '52:54:00:31:00:13',
  },
  {
    name: 'junos-ztp',
    platform: 'juniper-junos',
    ip: '127.0.31.14',
    serial: 'JN11D3F4AAFA',
    mac: '52:54:00:31:00:14',
  },
  // DHCP points this one at the ZeroTouch script, as the door advises.
  {
    name: 'eos-script',
    platform: 'arista-eos',
    ip: '127.0.31.16',
    serial: 'JPE19251116',
    mac: '52:54:00:31:00:16',
    bootFile: 'eos-525400310016.py',
  },
  // Junos: DHCP option 43.01 names the ZTP script, as the door advises.
  {
    name: 'junos-script',
    platform: 'juniper-junos',
    ip: '127.0.31.41',
    serial: 'JN11D3F4AA41',
    mac: '52:54:00:31:00:41',
    bootFile: 'junos-525400310041.py',
  },
  // Its minimal configuration carries a line IOS XE refuses.
  {
    name: 'ios-broken',
    platform: 'cisco-iosxe',
    ip: '127.0.31.15',
    serial: 'FOC2148Z0CD',
    mac: '52:54:00:31:00:15',
  },
];

describe('factory-default devices bootstrapped by their own ZTP agents', () => {
  const devices = new Map<string, SimulatedDevice>();
  const nxosScriptCommands: string[] = [];
  let ztp: ZtpTestBackend;
  let door: string;
  let tftpPort: number;
  let dir: string;

  const deviceState = (name: string) => ztp.deviceState(name);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-bootstrap-'));
    // The IOS XE template with one line the device refuses, for one device.
    const template = path.join(dir, 'iosxe.njk');
    fs.writeFileSync(
      template,
      ciscoIosXeDriver.minimalConfigTemplate.replace(
        'ip ssh version 2\n',
        "ip ssh version 2\n{% if device.hostname == 'ios-broken' %}\ninterface Bogus0/0\n{% endif %}\n",
      ),
    );
    const udp = dgram.createSocket('udp4');
    await new Promise<void>(r => udp.bind(0, '127.0.0.1', () => r()));
    tftpPort = udp.address().port;
    await new Promise<void>(r => udp.close(() => r()));
    ztp = await startZtpTestBackend({
      devices: specs,
      gateway: '127.0.31.1',
      ztp: {
        provisioning: { tftp: { enabled: true, port: tftpPort } },
        templates: { 'cisco-iosxe': { minimal: template } },
      },
    });
    door = ztp.door;
    for (const s of specs) {
      const device = ztp.simulatedDevice(s);
      devices.set(s.name, device);
      // --- NX-OS (POAP): what the POAP script ran on the switch ---
      if (s.platform === 'cisco-nxos') {
        device.on('command', ({ username, line }) => {
          if (username === 'script') nxosScriptCommands.push(line);
        });
      }
      // --- end NX-OS ---
      await device.powerOn();
    }
  });

  afterAll(async () => {
    await ztp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('brings every platform from factory default to Checked the way the real agent does', async () => {
    for (const s of specs.filter(x => x.name !== 'ios-broken')) {
      const device = await waitFor(
        async () => {
          const { device: d } = await deviceState(s.name);
          return d?.serial?.state === 'checked' ? d : undefined;
        },
        async () => ({
          backend: await deviceState(s.name),
          simulator: {
            state: devices.get(s.name)!.state,
            fetches: devices.get(s.name)!.fetches,
            scripts: devices.get(s.name)!.scripts,
          },
        }),
      );
      expect(device.confMin.state).toBe('loaded');
      expect(device.serial.presentedSerial).toBe(s.serial);
    }
    // What each agent asked for, in order.
    const urls = (name: string) =>
      devices.get(name)!.fetches.map(f => new URL(f.url).pathname);
    expect(urls('ios-ztp')).toEqual(['/ztp/boot/ztp-525400310011.py']);
    expect(urls('nxos-poap')).toEqual(['/ztp/boot/poap.py']);
    expect(urls('eos-ztp')).toEqual(['/ztp/config']);
    expect(urls('eos-script')).toEqual(['/ztp/boot/eos-525400310016.py']);
    expect(urls('junos-ztp')).toEqual(['/ztp/boot/junos-525400310014.conf']);

    // The scripts ran and said so; the timeline holds the device's words.
    const messages = async (name: string) =>
      (await deviceState(name)).events.map(e => `${e.type} ${e.message}`);
    expect(await messages('ios-ztp')).toEqual(
      expect.arrayContaining([
        'bootstrap.progress script started',
        'bootstrap.progress configuration applied',
      ]),
    );
    expect(await messages('nxos-poap')).toEqual(
      expect.arrayContaining([
        'bootstrap.progress script started',
        expect.stringMatching(/^bootstrap\.progress configuration staged/),
      ]),
    );
    // --- NX-OS (POAP) ---
    // In order: started, then staged once the switch took every command
    // of the file between a checkpoint and its rollback.
    const nxosReports = (await deviceState('nxos-poap')).events
      .filter((e: any) => e.type.startsWith('bootstrap.'))
      .map((e: any) => e.message);
    expect(nxosReports).toEqual(
      expect.arrayContaining([
        'script started',
        'configuration staged; POAP applies it after the reboot: conf.FDO21120U8N: the switch took its 5 commands (rolled back); rebooting to apply it',
      ]),
    );
    expect(nxosReports.some((m: string) => m.startsWith('failed'))).toBe(false);
    const trial = nxosScriptCommands.filter(c =>
      /checkpoint|configure terminal|scheduled-config/.test(c),
    );
    expect(trial.slice(0, 2)).toEqual([
      'no checkpoint ztp_poap_trial',
      'checkpoint ztp_poap_trial',
    ]);
    expect(trial.filter(c => c === 'configure terminal')).toHaveLength(5);
    expect(trial.slice(-3)).toEqual([
      'rollback running-config checkpoint ztp_poap_trial',
      'no checkpoint ztp_poap_trial',
      'copy bootflash:conf.FDO21120U8N scheduled-config',
    ]);
    // --- end NX-OS ---
    expect(await messages('eos-script')).toEqual(
      expect.arrayContaining([
        'bootstrap.progress script started',
        'bootstrap.progress configuration applied',
      ]),
    );
    // The script exited 0 and the switch rebooted into what it saved.
    expect(devices.get('eos-script')!.scripts[0].exitCode).toBe(0);
    expect(devices.get('eos-script')!.logins.at(-1)!.accepted).toBe(true);
    // POAP rebooted into its staged configuration, EOS into its startup-config.
    expect(devices.get('nxos-poap')!.scripts[0].exitCode).toBe(0);
    const eosLogin = devices.get('eos-ztp')!.logins.at(-1)!;
    expect(eosLogin.accepted).toBe(true);
  });

  it('Junos: ZTP runs the script option 43.01 names; it commits the configuration, reports each step, and the box is Checked without a reboot', async () => {
    const name = 'junos-script';
    const device = await waitFor(
      async () => {
        const { device: d } = await deviceState(name);
        return d?.serial?.state === 'checked' ? d : undefined;
      },
      async () => ({
        backend: await deviceState(name),
        simulator: devices.get(name)!.scripts,
      }),
    );
    expect(device.confMin.state).toBe('loaded');
    expect(device.serial.presentedSerial).toBe('JN11D3F4AA41');
    const simulated = devices.get(name)!;
    expect(simulated.fetches.map(f => new URL(f.url).pathname)).toEqual([
      '/ztp/boot/junos-525400310041.py',
    ]);
    // Checked can come before the script has exited (the commit brings SSH
    // up, the script reports and exits after): its record is waited for.
    const ran = await waitFor(
      async () => simulated.scripts[0],
      async () => simulated.state,
    );
    expect(simulated.scripts).toHaveLength(1);
    expect(ran.exitCode).toBe(0);
    expect(ran.output).toMatch(/ZTP script: configuration committed/);
    // What the box runs is what the portal rendered: the committed
    // configuration is the door's plain file, statement for statement.
    const conf = await httpGet(`${door}/ztp/boot/junos-525400310041.conf`);
    expect(simulated.runningConfig()).toContain('host-name junos-script;');
    expect(conf.body).toMatch(/^ {4}host-name junos-script;$/m);
    const { events } = await deviceState(name);
    const messages = events.map((e: any) => `${e.type} ${e.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'bootstrap.progress script started',
        'bootstrap.progress configuration applied',
      ]),
    );
    expect(messages.some((m: string) => m.startsWith('bootstrap.failed'))).toBe(
      false,
    );
    const script = await new Promise<{ type?: string; body: string }>(
      (resolve, reject) => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require('node:http')
          .get(`${door}/ztp/boot/junos-junos-script.py`, (res: any) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c));
            res.on('end', () =>
              resolve({ type: res.headers['content-type'], body }),
            );
          })
          .on('error', reject);
      },
    );
    expect(script.type).toMatch(/^text\/x-python/);
    expect(script.body.startsWith('#!/usr/bin/python3\n')).toBe(true);
    // Over TFTP by its bare name too.
    const out = path.join(dir, 'junos-525400310041.py');
    await promisify(execFile)('tftp', [
      '-m',
      'binary',
      '127.0.0.1',
      String(tftpPort),
      '-c',
      'get',
      'junos-525400310041.py',
      out,
    ]);
    expect(fs.readFileSync(out, 'utf8')).toBe(script.body);
  });

  it('shows in the timeline why a box stopped when the device refuses a line', async () => {
    const failed = await waitFor(
      async () => {
        const { events } = await deviceState('ios-broken');
        return events.find(e => e.type === 'bootstrap.failed');
      },
      () => deviceState('ios-broken'),
    );
    expect(failed.message).toMatch(
      /^failed: interface Bogus0\/0: .*% Invalid input detected/s,
    );
    // Guest Shell's Python runs on the simulator's host, not its address.
    expect(failed.actor).toMatch(/^device:127\./);
    expect(devices.get('ios-broken')!.state).toBe('failed');
    const { device } = await deviceState('ios-broken');
    expect(device.serial.state).not.toBe('checked');
  });

  it('serves each file under its agent’s name with its content type, over HTTP and TFTP', async () => {
    const poap = await httpGet(`${door}/ztp/boot/poap.py`);
    expect(poap.status).toBe(200);
    const [, md5Line, ...rest] = poap.body.split('\n');
    const declared = /^#md5sum="([0-9a-f]{32})"$/.exec(md5Line)![1];
    expect(md5Hex([poap.body.split('\n')[0], ...rest].join('\n'))).toBe(
      declared,
    );
    const conf = await httpGet(`${door}/ztp/boot/conf.FDO21120U8N`);
    const md5 = await httpGet(`${door}/ztp/boot/conf.FDO21120U8N.md5`);
    expect(md5.body.trim()).toBe(md5Hex(conf.body));
    const byMac = await httpGet(`${door}/ztp/boot/conf_525400310012.cfg.md5`);
    expect(byMac.body).toBe(md5.body);

    const head = await new Promise<string | undefined>((resolve, reject) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('node:http')
        .get(`${door}/ztp/boot/ztp-ios-ztp.py`, (res: any) => {
          res.resume();
          resolve(res.headers['content-type']);
        })
        .on('error', reject);
    });
    expect(head).toMatch(/^text\/x-python/);

    // AutoInstall over TFTP: network-confg names the box, then its file.
    const get = async (name: string) => {
      const out = path.join(dir, name);
      await promisify(execFile)('tftp', [
        '-m',
        'binary',
        '127.0.0.1',
        String(tftpPort),
        '-c',
        'get',
        name,
        out,
      ]);
      return fs.readFileSync(out, 'utf8');
    };
    expect(await get('network-confg')).toBe(
      'ip host ios-broken 127.0.31.15\nip host ios-ztp 127.0.31.11\n',
    );
    const confg = await get('ios-ztp-confg');
    expect(confg).toMatch(/^hostname ios-ztp$/m);
    expect(confg).toMatch(/^crypto key generate rsa modulus 2048$/m);
  });
});
