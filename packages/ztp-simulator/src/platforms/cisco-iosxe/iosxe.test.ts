import { bootDevice, type BootedDevice } from '../../__testUtils__/bootDevice';
import { execCommand, Shell } from '../../__testUtils__/sshClient';

const PROMPT = /leaf-01#$/;
const CONFIG_PROMPT = /leaf-01\([\w-]+\)#$/;

describe('Cisco IOS XE CLI', () => {
  let booted: BootedDevice;
  beforeAll(async () => {
    booted = await bootDevice('cisco-iosxe', '127.0.42.11', {
      realSerial: 'FOC2148Z0AB',
    });
  });
  afterAll(() => booted.stop());

  it('shows a banner, then answers show version and show inventory with the real serial', async () => {
    const shell = await Shell.open(booted.login, 200);
    try {
      expect(shell.banner).toContain('Authorized access only');
      await shell.expect(PROMPT);
      const version = await shell.run('show version', PROMPT);
      expect(version).toMatch(/^show version\r\n/);
      expect(version).toContain('Processor board ID FOC2148Z0AB\r\n');
      expect(version).toContain(
        'System Serial Number               : FOC2148Z0AB',
      );
      expect(version).toContain('leaf-01 uptime is');
      const inventory = await shell.run('sh inv', PROMPT);
      const blocks = inventory
        .split('\r\n\r\n')
        .filter(b => b.includes('NAME:'));
      expect(blocks[0]).toMatch(
        /NAME: "c93xx Stack", DESCR: "c93xx Stack"\r\nPID: C9300-48P\s+, VID: V02\s+, SN: FOC2148Z0AB/,
      );
      expect(blocks[1]).toContain('NAME: "Switch 1", DESCR: "C9300-48P"');
      expect(blocks[1]).toContain('SN: FOC2148Z0AB');
      const member2 = blocks.find(b => b.includes('NAME: "Switch 2"'))!;
      expect(member2).toMatch(/SN: FOC[0-9A-Z]{8}/);
      expect(member2).not.toContain('FOC2148Z0AB');
      expect(inventory).toMatch(
        /Power Supply A.*\r\nPID: PWR-C1-715WAC-P\s+, VID: V02\s+, SN: LIT/,
      );
      expect(inventory).toContain('FAN - T1 1');
    } finally {
      shell.close();
    }
  });

  it('pages long output with --More-- until terminal length 0', async () => {
    const shell = await Shell.open(booted.login, 24);
    try {
      await shell.expect(PROMPT);
      shell.send('show inventory\r');
      const firstPage = await shell.expect(' --More-- ');
      // The echoed command, then 23 lines (a 24-row terminal), then the pager.
      expect(firstPage.split('\r\n').slice(1, -1)).toHaveLength(23);
      shell.send(' ');
      const rest = await shell.expect(PROMPT);
      expect(rest).toContain('Switch 2 FRU Uplink Module 1');
      expect(rest).not.toContain('--More--');

      shell.send('show version\r');
      await shell.expect(' --More-- ');
      shell.send('q');
      const afterQuit = await shell.expect(PROMPT);
      expect(afterQuit).not.toContain('Configuration register');

      expect(await shell.run('terminal length 0', PROMPT)).toBe(
        'terminal length 0\r\nleaf-01#',
      );
      const all = await shell.run('show version', PROMPT);
      expect(all).not.toContain('--More--');
      expect(all).toContain('Configuration register is 0x102');
    } finally {
      shell.close();
    }
  });

  it('marks unknown input with a caret under the bad word', async () => {
    const shell = await Shell.open(booted.login);
    try {
      await shell.expect(PROMPT);
      const out = await shell.run('show vresion', PROMPT);
      expect(out).toBe(
        `show vresion\r\n${' '.repeat(
          'leaf-01#show '.length,
        )}^\r\n% Invalid input detected at '^' marker.\r\n\r\nleaf-01#`,
      );
    } finally {
      shell.close();
    }
  });

  it('does not page on an exec channel', async () => {
    const out = await execCommand(booted.login, 'show inventory');
    expect(out).not.toContain('--More--');
    expect(out).toContain('NAME: "Switch 2 FRU Uplink Module 1"');
  });

  it('pushes with a flash backup, rejects bad lines and rolls back with configure replace', async () => {
    const shell = await Shell.open(booted.login);
    const { device } = booted;
    const minimal = device.runningConfig().replace(/^.*\n.*\n.*\n/, '');
    try {
      await shell.expect(PROMPT);
      await shell.run('terminal length 0', PROMPT);
      shell.send('copy running-config flash:ztp-rollback.cfg\r');
      await shell.expect('Destination filename [ztp-rollback.cfg]? ');
      shell.send('\r');
      expect(await shell.expect(PROMPT)).toMatch(/\d+ bytes copied in/);

      expect(await shell.run('configure terminal', CONFIG_PROMPT)).toContain(
        'Enter configuration commands, one per line.  End with CNTL/Z.',
      );
      await shell.run('interface GigabitEthernet1/0/1', /\(config-if\)#$/);
      await shell.run(' description uplink to spine-01', /\(config-if\)#$/);
      const bad = await shell.run(
        ' ip adress 198.18.0.1 255.255.255.0',
        /\(config-if\)#$/,
      );
      expect(bad).toContain("% Invalid input detected at '^' marker.");
      await shell.run('ntp server 127.0.0.123', /\(config\)#$/);
      await shell.run('end', PROMPT);

      const running = await shell.run('show running-config', PROMPT);
      expect(running).toContain(
        'interface GigabitEthernet1/0/1\r\n description uplink to spine-01',
      );
      expect(running).toContain('ntp server 127.0.0.123');
      expect(running).not.toContain('adress');

      expect(
        await shell.run(
          'configure replace flash:ztp-rollback.cfg force',
          PROMPT,
        ),
      ).toContain('Rollback Done');
      const restored = device.runningConfig();
      expect(restored).not.toContain('ntp server');
      expect(
        restored
          .replace(/^.*\n.*\n.*\n/, '')
          .replace(/! Last configuration change.*\n/, ''),
      ).toBe(minimal.replace(/! Last configuration change.*\n/, ''));
      expect(await shell.run('write memory', PROMPT)).toContain('[OK]');
      expect(
        await shell.run('configure replace flash:missing.cfg force', PROMPT),
      ).toContain(
        '%Error opening flash:missing.cfg (No such file or directory)',
      );
    } finally {
      shell.close();
    }
  });

  it('drops the connection mid-push with dropAfterConfigLines', async () => {
    const dropping = await bootDevice('cisco-iosxe', '127.0.42.12', {
      dropAfterConfigLines: 2,
    });
    const shell = await Shell.open(dropping.login);
    const dropped: string[] = [];
    dropping.device.on('connection-dropped', reason => dropped.push(reason));
    try {
      await shell.expect(PROMPT);
      await shell.run('configure terminal', CONFIG_PROMPT);
      shell.send(
        'ntp server 127.0.0.1\rntp server 127.0.0.2\rntp server 127.0.0.3\rntp server 127.0.0.4\r',
      );
      await shell.waitClosed();
      const running = dropping.device.runningConfig();
      expect(running).toContain('ntp server 127.0.0.2');
      expect(running).not.toContain('ntp server 127.0.0.3');
      expect(dropped).toEqual(['dropped after 2 configuration lines']);
    } finally {
      shell.close();
      await dropping.stop();
    }
  });
});
