import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlatformCliOptions } from '@ztp-portal/backstage-plugin-ztp-node';
import { ciscoIosXeDriver } from '../__testUtils__/builtinPlatforms';
import {
  FakeDevice,
  FakeDeviceOptions,
  newHostKey,
} from './__testUtils__/FakeDevice';
import {
  HostKeyMismatchError,
  SshAuthError,
  SshProtocolError,
  SshTimeoutError,
  SshUnreachableError,
} from './errors';
import { openDeviceCli, OpenDeviceCliOptions } from './openDeviceCli';

const IOS_CLI: PlatformCliOptions = {
  promptPattern: /^[\w.:/-]+(?:\([\w.:/-]+\))?[#>]\s*$/,
  pagerPattern: /--More--/,
  setupCommands: ['terminal length 0'],
};

const IOS_PAGER = {
  lines: 4,
  prompt: ' --More-- ',
  erase: `${'\b'.repeat(9)}${' '.repeat(9)}${'\b'.repeat(9)}`,
  disabledBy: ['terminal length 0'],
};

const VERSION = [
  'Cisco IOS XE Software, Version 17.09.04a',
  'Cisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4a',
  'Technical Support: http://www.cisco.com/techsupport',
  '',
  'leaf-01 uptime is 3 weeks, 2 days, 4 hours, 11 minutes',
  'cisco C9300-48P (X86) processor with 1419044K/6147K bytes of memory.',
  'Processor board ID FOC2236Y1AB',
  'Configuration register is 0x102',
].join('\n');

const devices: FakeDevice[] = [];
async function startDevice(options: FakeDeviceOptions = {}, port = 0) {
  const device = new FakeDevice({
    commands: { 'show version': VERSION },
    motd: 'Authorized access only.\nleaf-01# is not a prompt here',
    ...options,
  });
  await device.start(port);
  devices.push(device);
  return device;
}

function connectOptions(
  device: FakeDevice,
  overrides: Partial<OpenDeviceCliOptions> = {},
): OpenDeviceCliOptions {
  return {
    host: '127.0.0.1',
    port: device.port,
    username: 'ztp-admin',
    password: 'device-pass-1',
    connectTimeoutMs: 500,
    deadlineMs: 4000,
    cli: IOS_CLI,
    ...overrides,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

afterEach(async () => {
  await Promise.all(devices.splice(0).map(d => d.stop()));
});

describe('openDeviceCli against an ssh2 device', () => {
  it('logs in, skips the banner, runs setup commands and cleans command output', async () => {
    const device = await startDevice({
      authBanner: 'Unauthorized access is prohibited\r\n',
    });
    const session = await openDeviceCli(connectOptions(device));
    try {
      await expect(session.cli.run('show version')).resolves.toBe(VERSION);
      expect(device.commandsReceived).toEqual([
        'terminal length 0',
        'show version',
      ]);
      expect(device.authAttempts.map(a => a.method)).toContain('password');
    } finally {
      session.close();
    }
  });

  it('reports the host key fingerprint as OpenSSH prints it', async () => {
    const device = await startDevice();
    const dir = mkdtempSync(join(tmpdir(), 'ztp-hostkey-'));
    try {
      writeFileSync(join(dir, 'key.pub'), `${device.hostPublicKey}\n`);
      const fromOpenSsh = execFileSync('ssh-keygen', [
        '-l',
        '-E',
        'sha256',
        '-f',
        join(dir, 'key.pub'),
      ])
        .toString()
        .split(' ')[1];
      const session = await openDeviceCli(connectOptions(device));
      session.close();
      expect(session.hostKeyFingerprint).toBe(fromOpenSsh);
      expect(session.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers the pager with a space and strips its prompt', async () => {
    // This device ignores "terminal length 0": the pager stays on.
    const device = await startDevice({
      pager: { ...IOS_PAGER, disabledBy: [] },
    });
    const session = await openDeviceCli(connectOptions(device));
    try {
      const output = await session.cli.run('show version');
      expect(output).toBe(VERSION);
      expect(output).not.toContain('More');
      expect(output).not.toContain('\b');
      expect(output).not.toContain('\r');
    } finally {
      session.close();
    }
  });

  it('falls back to keyboard-interactive when password login is not offered', async () => {
    const device = await startDevice({ authMethods: ['keyboard-interactive'] });
    const session = await openDeviceCli(connectOptions(device));
    try {
      await expect(session.cli.run('show version')).resolves.toContain(
        'Processor board ID FOC2236Y1AB',
      );
      expect(device.authAttempts.map(a => a.method)).toEqual([
        'password',
        'keyboard-interactive',
      ]);
    } finally {
      session.close();
    }
  });

  it('works with a device that refuses exec (shell only)', async () => {
    const device = await startDevice();
    const session = await openDeviceCli(connectOptions(device));
    session.close();
    expect(device.execRefused).toEqual([]);
    expect(device.commandsReceived).toEqual(['terminal length 0']);
  });

  it('refuses a wrong password with SshAuthError, without revealing it', async () => {
    const device = await startDevice();
    const error = await failureOf(
      openDeviceCli(connectOptions(device, { password: 'wrong-secret-9' })),
    );
    expect(error).toBeInstanceOf(SshAuthError);
    expect(error.name).toBe('SshAuthError');
    expect(error.message).toBe(
      `127.0.0.1:${device.port} refused the login of user "ztp-admin" (tried password and keyboard-interactive)`,
    );
    expect(error.message).not.toContain('wrong-secret-9');
  });

  it('refuses a wrong password on a keyboard-interactive-only device', async () => {
    const device = await startDevice({ authMethods: ['keyboard-interactive'] });
    const error = await failureOf(
      openDeviceCli(connectOptions(device, { password: 'nope' })),
    );
    expect(error).toBeInstanceOf(SshAuthError);
  });

  it('says so when the device offers no password login at all', async () => {
    const device = await startDevice({ authMethods: ['publickey'] });
    const error = await failureOf(openDeviceCli(connectOptions(device)));
    expect(error).toBeInstanceOf(SshAuthError);
    expect(error.message).toContain('offers no password login');
    expect(error.message).toContain('publickey');
  });

  it('stops before authenticating when the host key differs from the recorded one', async () => {
    const device = await startDevice();
    const other = new FakeDevice();
    const first = await openDeviceCli(
      connectOptions(device, { knownHostKey: other.hostKeyBlob }),
    ).catch(e => e);
    expect(first).toBeInstanceOf(HostKeyMismatchError);
    expect(first.name).toBe('HostKeyMismatchError');
    expect(first.expected).toMatch(/^SHA256:/);
    expect(first.presented).toMatch(/^SHA256:/);
    expect(first.expected).not.toBe(first.presented);
    expect(first.message).toContain(first.presented);
    expect(first.message).toContain(first.expected);
    expect(device.authAttempts).toEqual([]);
  });

  it('accepts the recorded host key as a fingerprint or as the key itself', async () => {
    const device = await startDevice();
    const session = await openDeviceCli(connectOptions(device));
    session.close();
    for (const knownHostKey of [
      session.hostKeyFingerprint,
      device.hostKeyBlob,
      device.hostPublicKey,
    ]) {
      const again = await openDeviceCli(
        connectOptions(device, { knownHostKey }),
      );
      expect(again.hostKeyFingerprint).toBe(session.hostKeyFingerprint);
      again.close();
    }
  });

  it('detects a host key that changed since first contact', async () => {
    const before = await startDevice();
    const port = before.port;
    const first = await openDeviceCli(connectOptions(before));
    first.close();
    await before.stop();

    // The same address now answers with another key (a replaced device or worse).
    const after = await startDevice({ hostKey: newHostKey() }, port);
    const error = await failureOf(
      openDeviceCli(
        connectOptions(after, { knownHostKey: first.hostKeyFingerprint }),
      ),
    );
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((error as HostKeyMismatchError).expected).toBe(
      first.hostKeyFingerprint,
    );
    expect(after.authAttempts).toEqual([]);
  });

  it('talks to a device offering only legacy algorithms when the driver allows them', async () => {
    const device = await startDevice({
      hostKey: newHostKey('rsa'),
      algorithms: {
        kex: ['diffie-hellman-group14-sha1'],
        serverHostKey: ['ssh-rsa'],
        cipher: ['aes128-cbc'],
        hmac: ['hmac-sha1'],
      },
    });
    const withoutLegacy = await failureOf(
      openDeviceCli(connectOptions(device)),
    );
    expect(withoutLegacy).toBeInstanceOf(SshProtocolError);
    expect(withoutLegacy.message).toContain('no SSH algorithms in common');

    const session = await openDeviceCli(
      connectOptions(device, {
        algorithms: ciscoIosXeDriver.sshAlgorithms,
        connectTimeoutMs: 3000,
      }),
    );
    try {
      await expect(session.cli.run('show version')).resolves.toBe(VERSION);
    } finally {
      session.close();
    }
  });

  it('stops at the deadline when the device answers too slowly', async () => {
    const device = await startDevice({ delays: { 'show version': 3000 } });
    const session = await openDeviceCli(
      connectOptions(device, { deadlineMs: 700 }),
    );
    const started = Date.now();
    const error = await failureOf(session.cli.run('show version'));
    session.close();
    expect(Date.now() - started).toBeLessThan(1500);
    expect(error).toBeInstanceOf(SshTimeoutError);
    expect((error as SshTimeoutError).step).toBe('running "show version"');
    expect(error.message).toContain('deadline of 700 ms');
    // The session is finished: later commands fail at once.
    await expect(session.cli.run('show clock')).rejects.toBe(error);
  });

  it('applies a per-command timeout', async () => {
    const device = await startDevice({ delays: { 'show tech-support': 2000 } });
    const session = await openDeviceCli(connectOptions(device));
    const error = await failureOf(
      session.cli.run('show tech-support', { timeoutMs: 200 }),
    );
    session.close();
    expect(error).toBeInstanceOf(SshTimeoutError);
    expect(error.message).toContain('within 200 ms');
  });

  it('reports a closed port as unreachable', async () => {
    const probe = createServer();
    await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise(resolve => probe.close(resolve));

    const error = await failureOf(
      openDeviceCli({
        host: '127.0.0.1',
        port,
        username: 'u',
        password: 'p',
        connectTimeoutMs: 500,
        deadlineMs: 2000,
        cli: IOS_CLI,
      }),
    );
    expect(error).toBeInstanceOf(SshUnreachableError);
    expect((error as SshUnreachableError).code).toBe('ECONNREFUSED');
    expect(error.message).toContain(`127.0.0.1:${port} refused the connection`);
  });

  it('times out when the server never speaks SSH', async () => {
    const silent: NetServer = createServer(() => undefined);
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const error = await failureOf(
        openDeviceCli({
          host: '127.0.0.1',
          port,
          username: 'u',
          password: 'p',
          connectTimeoutMs: 300,
          deadlineMs: 5000,
          cli: IOS_CLI,
        }),
      );
      expect(error).toBeInstanceOf(SshTimeoutError);
      expect((error as SshTimeoutError).step).toBe('exchanging keys');
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      silent.close();
    }
  });

  it('reports a refused shell', async () => {
    const device = await startDevice({ refuseShell: true });
    const error = await failureOf(openDeviceCli(connectOptions(device)));
    expect(error).toBeInstanceOf(SshProtocolError);
    expect(error.message).toContain('refused an interactive shell');
  });

  it('wakes a console that prints nothing before a key press', async () => {
    const device = await startDevice({ promptAfterKeyPress: true });
    const session = await openDeviceCli(
      connectOptions(device, { promptNudgeMs: 100 }),
    );
    try {
      await expect(session.cli.run('show version')).resolves.toBe(VERSION);
    } finally {
      session.close();
    }
  });

  it('runs commands one at a time when called together', async () => {
    const device = await startDevice({
      commands: {
        'show version': VERSION,
        'show clock': '*10:01:02.345 UTC Mon Mar 4 2024',
      },
      delays: { 'show version': 100 },
    });
    const session = await openDeviceCli(connectOptions(device));
    try {
      const [version, clock, unknown] = await Promise.all([
        session.cli.run('show version'),
        session.cli.run('show clock'),
        session.cli.run('show bogus'),
      ]);
      expect(version).toBe(VERSION);
      expect(clock).toBe('*10:01:02.345 UTC Mon Mar 4 2024');
      expect(unknown).toBe("% Invalid input detected at '^' marker.");
    } finally {
      session.close();
    }
  });

  it('strips colours and keeps config-mode prompts out of the output', async () => {
    const device = await startDevice({
      prompt: 'leaf-01.dc1(config)#',
      commands: {
        'show ip interface brief':
          '\x1b[1mInterface  IP-Address\x1b[0m\nGi0/0      127.0.10.11',
      },
    });
    const session = await openDeviceCli(connectOptions(device));
    try {
      await expect(session.cli.run('show ip interface brief')).resolves.toBe(
        'Interface  IP-Address\nGi0/0      127.0.10.11',
      );
    } finally {
      session.close();
    }
  });

  it('sends raw text and returns the output up to the next prompt', async () => {
    const device = await startDevice({ commands: { 'show clock': '10:01' } });
    const session = await openDeviceCli(connectOptions(device));
    try {
      await expect(session.cli.send('show clock\n')).resolves.toBe(
        'show clock\n10:01',
      );
    } finally {
      session.close();
    }
  });

  it('handles a Junos-style prompt, pager and role line', async () => {
    const device = await startDevice({
      username: 'ztp-3f9a1c',
      prompt: 'ztp-3f9a1c@edge-01.lab> ',
      motd: '--- JUNOS 21.4R3.15 Kernel 64-bit  JNPR-12.1-20230110.7e8b7f3_buil',
      beforePrompt: ['', '{master:0}'],
      pager: {
        lines: 3,
        prompt: '---(more 42%)---',
        erase: `\r${' '.repeat(40)}\r`,
        disabledBy: [],
      },
      commands: {
        'show chassis hardware': [
          'Hardware inventory:',
          'Item             Version  Part number  Serial number     Description',
          'Chassis                                JN11E4A5BAFA      MX480',
          'Midplane         REV 07   760-021404   ABAA1234          MX480 Backplane',
          'PEM 0            Rev 10   740-029970   QCS14025025       PS 1.4-2.52kW; 90-264V AC in',
        ].join('\n'),
      },
    });
    const session = await openDeviceCli(
      connectOptions(device, {
        username: 'ztp-3f9a1c',
        cli: {
          promptPattern: /^[\w.+-]+@[\w.-]+[>#]\s*$/,
          pagerPattern: /---\(more(?: \d+%)?\)---/,
          setupCommands: ['set cli screen-length 0'],
        },
      }),
    );
    try {
      const output = await session.cli.run('show chassis hardware');
      expect(output.split('\n')).toEqual([
        'Hardware inventory:',
        'Item             Version  Part number  Serial number     Description',
        'Chassis                                JN11E4A5BAFA      MX480',
        'Midplane         REV 07   760-021404   ABAA1234          MX480 Backplane',
        'PEM 0            Rev 10   740-029970   QCS14025025       PS 1.4-2.52kW; 90-264V AC in',
        '',
        '{master:0}',
      ]);
    } finally {
      session.close();
    }
  });
});
