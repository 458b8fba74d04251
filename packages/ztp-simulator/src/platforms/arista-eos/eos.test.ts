import { bootDevice, type BootedDevice } from '../../__testUtils__/bootDevice';
import { execCommand, Shell } from '../../__testUtils__/sshClient';

const PROMPT = /leaf-03#$/;
const SESSION = (name: string, mode = '') =>
  new RegExp(`leaf-03\\(config-s-${name}${mode}\\)#$`);

describe('Arista EOS CLI', () => {
  let booted: BootedDevice;
  beforeAll(async () => {
    booted = await bootDevice('arista-eos', '127.0.44.13', {
      realSerial: 'JPE19251107',
      timerScale: 0.25,
    });
  });
  afterAll(() => booted.stop());

  it('answers show version, its JSON form and show inventory with the real serial', async () => {
    const version = await execCommand(booted.login, 'show version');
    expect(version).toMatch(
      /^Arista DCS-7050SX3-48YC8\nHardware version: 11\.01\nSerial number: JPE19251107\n/,
    );
    expect(version).toContain('Software image version: 4.31.2F');
    const json = JSON.parse(
      await execCommand(booted.login, 'show version | json'),
    );
    expect(json).toMatchObject({
      modelName: 'DCS-7050SX3-48YC8',
      serialNumber: 'JPE19251107',
      systemMacAddress: '52:54:00:aa:bb:01',
    });
    const inventory = await execCommand(booted.login, 'show inventory');
    expect(inventory).toMatch(
      /HW Version {2}Serial Number {2}Mfg Date {3}Epoch\n {2}-+ -+ -+ -+\n {2}11\.01 {7}JPE19251107 {4}/,
    );
    expect(inventory).toMatch(/1 {4}PWR-511-AC-RED {3}EEWT\w{7}/);
    const inventoryJson = JSON.parse(
      await execCommand(booted.login, 'show inventory | json'),
    );
    expect(inventoryJson.systemInformation.serialNum).toBe('JPE19251107');
  });

  it('pages until "terminal length 0" and rejects unknown input', async () => {
    const shell = await Shell.open(booted.login, 10);
    try {
      await shell.expect(PROMPT);
      shell.send('show inventory\r');
      await shell.expect(' --More-- ');
      shell.send(' ');
      await shell.expect(' --More-- ');
      shell.send('q');
      await shell.expect(PROMPT);
      expect(await shell.run('terminal length 0', PROMPT)).toContain(
        'Pagination disabled.',
      );
      expect(await shell.run('show inventory', PROMPT)).not.toContain(
        '--More--',
      );
      expect(await shell.run('show inventroy', PROMPT)).toBe(
        'show inventroy\r\n% Invalid input\r\nleaf-03#',
      );
      expect(await shell.run('show', PROMPT)).toContain('% Incomplete command');
    } finally {
      shell.close();
    }
    // The next login sees when the previous one happened.
    const again = await Shell.open(booted.login);
    try {
      expect(await again.expect(PROMPT)).toMatch(
        /^Last login: .* from 127\.0\.0\.1\r\n/,
      );
    } finally {
      again.close();
    }
  });

  it('commits a configuration session and shows its diff first', async () => {
    const shell = await Shell.open(booted.login, 200);
    try {
      await shell.expect(PROMPT);
      await shell.run('configure session ztp-push-1', SESSION('ztp-push-1'));
      await shell.run('interface Ethernet1', SESSION('ztp-push-1', '-if-Et1'));
      await shell.run(
        '   description uplink',
        SESSION('ztp-push-1', '-if-Et1'),
      );
      expect(
        await shell.run(
          '   ip address 198.18.0.1 255.255.255.0',
          SESSION('ztp-push-1', '-if-Et1'),
        ),
      ).toContain('% Invalid input');
      await shell.run('ntp server 127.0.0.123', SESSION('ztp-push-1'));
      const diff = await shell.run(
        'show session-config diffs',
        SESSION('ztp-push-1'),
      );
      expect(diff).toContain(
        '--- system:/running-config\r\n+++ session:/ztp-push-1-session-config\r\n@@ ',
      );
      expect(diff).toContain(
        '+interface Ethernet1\r\n+   description uplink\r\n',
      );
      expect(diff).toContain('+ntp server 127.0.0.123');
      // Nothing changes before the commit.
      expect(booted.device.runningConfig()).not.toContain('ntp server');
      await shell.run('commit', PROMPT);
      const running = booted.device.runningConfig();
      expect(running).toContain('interface Ethernet1\n   description uplink\n');
      expect(running).not.toContain('198.18.0.1');
    } finally {
      shell.close();
    }
  });

  it('abort leaves the running configuration as it was', async () => {
    const shell = await Shell.open(booted.login, 200);
    const before = booted.device.runningConfig();
    try {
      await shell.expect(PROMPT);
      await shell.run('configure session ztp-push-2', SESSION('ztp-push-2'));
      await shell.run('hostname renamed', SESSION('ztp-push-2'));
      await shell.run('abort', PROMPT);
      expect(booted.device.runningConfig()).toBe(before);
    } finally {
      shell.close();
    }
  });

  it('rolls back a commit timer that is not confirmed, keeps a confirmed one', async () => {
    const shell = await Shell.open(booted.login, 200);
    const rolledBack = new Promise<string>(resolve =>
      booted.device.once('config-rolled-back', e => resolve(e.reason)),
    );
    try {
      await shell.expect(PROMPT);
      await shell.run('configure session ztp-timer-1', SESSION('ztp-timer-1'));
      await shell.run('ntp server 127.0.0.201', SESSION('ztp-timer-1'));
      // 8 s at timerScale 0.25: 2 s in this test.
      await shell.run('commit timer 00:00:08', PROMPT);
      expect(booted.device.runningConfig()).toContain('ntp server 127.0.0.201');
      expect(await shell.run('show configuration sessions', PROMPT)).toMatch(
        /ztp-timer-1\s+pendingCommitTimer/,
      );
      expect(await rolledBack).toBe(
        'session ztp-timer-1: commit timer expired',
      );
      expect(booted.device.runningConfig()).not.toContain(
        'ntp server 127.0.0.201',
      );

      const rollbacks: string[] = [];
      booted.device.on('config-rolled-back', e => rollbacks.push(e.reason));
      await shell.run('configure session ztp-timer-2', SESSION('ztp-timer-2'));
      await shell.run('ntp server 127.0.0.202', SESSION('ztp-timer-2'));
      await shell.run('commit timer 00:00:04', PROMPT);
      expect(
        await shell.run('configure session ztp-timer-2 commit', PROMPT),
      ).toBe('configure session ztp-timer-2 commit\r\nleaf-03#');
      await new Promise(r => setTimeout(r, 1500)); // past the 1 s timer
      expect(booted.device.runningConfig()).toContain('ntp server 127.0.0.202');
      expect(rollbacks).toEqual([]);
    } finally {
      shell.close();
    }
  });

  it('lands at ">" unless AAA grants privileged exec, and "enable" gets there', async () => {
    const admin = await Shell.open(booted.login);
    await admin.expect(PROMPT);
    await admin.run('configure', /\(config\)#$/);
    await admin.run('no aaa authorization exec default local', /\(config\)#$/);
    await admin.run('end', PROMPT);
    admin.close();
    const shell = await Shell.open(booted.login);
    try {
      await shell.expect(/leaf-03>$/);
      const refused = await shell.run('show running-config', /leaf-03>$/);
      expect(refused).toMatch(/% Invalid input \(privileged mode required\)/);
      const version = await shell.run('show version', /leaf-03>$/);
      expect(version).toMatch(/Serial number: JPE19251107/);
      await shell.run('enable', PROMPT);
      await shell.run('configure', /\(config\)#$/);
      await shell.run('aaa authorization exec default local', /\(config\)#$/);
      await shell.run('end', PROMPT);
    } finally {
      shell.close();
    }
  });
});
