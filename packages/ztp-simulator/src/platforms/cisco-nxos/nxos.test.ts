import { bootDevice, type BootedDevice } from '../../__testUtils__/bootDevice';
import { execCommand, Shell } from '../../__testUtils__/sshClient';

const PROMPT = /leaf-02#$/;

describe('Cisco NX-OS CLI', () => {
  let booted: BootedDevice;
  beforeAll(async () => {
    booted = await bootDevice('cisco-nxos', '127.0.43.12', {
      realSerial: 'FDO21120U5D',
    });
  });
  afterAll(() => booted.stop());

  it('shows its login notice and answers show version and show inventory', async () => {
    const shell = await Shell.open(booted.login, 500);
    try {
      const notice = await shell.expect(PROMPT);
      expect(notice).toContain('Cisco Nexus Operating System (NX-OS) Software');
      const version = await shell.run('show version', PROMPT);
      expect(version).toContain('  Processor Board ID FDO21120U5D\r\n');
      expect(version).toContain('  cisco Nexus9000 C93180YC-FX Chassis');
      expect(version).toContain('  Device name: leaf-02');
      const inventory = await shell.run('show inventory', PROMPT);
      expect(inventory).toMatch(
        /NAME: "Chassis", {2}DESCR: "Nexus9000 C93180YC-FX Chassis"\s*\r\nPID: N9K-C93180YC-FX\s+, {2}VID: V04 , {2}SN: FDO21120U5D/,
      );
      expect(inventory).toMatch(/NAME: "Slot 1",/);
      expect(inventory).toMatch(
        /NAME: "Power Supply 1",.*\r\nPID: NXA-PAC-500W-PE\s+, {2}VID: V01 , {2}SN: LIT\w{8}/,
      );
      expect(inventory).toMatch(
        /NAME: "Fan 1",.*\r\nPID: NXA-FAN-30CFM-B\s+, {2}VID: V01 , {2}SN: N\/A/,
      );
    } finally {
      shell.close();
    }
  });

  it('answers | json like NX-API', async () => {
    const inventory = JSON.parse(
      await execCommand(booted.login, 'show inventory | json'),
    );
    expect(inventory.TABLE_inv.ROW_inv[0]).toEqual({
      name: 'Chassis',
      desc: 'Nexus9000 C93180YC-FX Chassis',
      productid: 'N9K-C93180YC-FX',
      vendorid: 'V04',
      serialnum: 'FDO21120U5D',
    });
    const version = JSON.parse(
      await execCommand(booted.login, 'show version | json'),
    );
    expect(version.proc_board_id).toBe('FDO21120U5D');
    expect(version.host_name).toBe('leaf-02');
    expect(await execCommand(booted.login, 'show hostname | json')).toContain(
      "% Invalid command at '^' marker.",
    );
  });

  it('pages, obeys | no-more and terminal length 0, and marks errors', async () => {
    const shell = await Shell.open(booted.login, 20);
    try {
      await shell.expect(PROMPT);
      shell.send('show version\r');
      await shell.expect(' --More-- ');
      shell.send('q');
      await shell.expect(PROMPT);
      expect(await shell.run('show version | no-more', PROMPT)).not.toContain(
        '--More--',
      );
      const error = await shell.run('show bogus', PROMPT);
      expect(error).toBe(
        `show bogus\r\n${' '.repeat(
          'leaf-02#show '.length,
        )}^\r\n% Invalid command at '^' marker.\r\nleaf-02#`,
      );
      await shell.run('terminal length 0', PROMPT);
      expect(await shell.run('show inventory', PROMPT)).not.toContain(
        '--More--',
      );
    } finally {
      shell.close();
    }
  });

  it('pushes after a checkpoint and rolls back to it', async () => {
    const shell = await Shell.open(booted.login, 0);
    const before = booted.device
      .runningConfig()
      .split('\n')
      .slice(4)
      .join('\n');
    try {
      await shell.expect(PROMPT);
      await shell.run('terminal length 0', PROMPT);
      expect(await shell.run('checkpoint ztp-before-push', PROMPT)).toContain(
        'Done',
      );
      expect(await shell.run('checkpoint ztp-before-push', PROMPT)).toContain(
        'already in use',
      );
      expect(await shell.run('show checkpoint summary', PROMPT)).toMatch(
        /1\) ztp-before-push:\r\nCreated by ztp-3f9a1c/,
      );
      await shell.run('configure terminal', /\(config\)#$/);
      await shell.run('feature lacp', /\(config\)#$/);
      await shell.run('interface Ethernet1/1', /\(config-if\)#$/);
      await shell.run('  description to-spine', /\(config-if\)#$/);
      const bad = await shell.run('  switchprot mode trunk', /\(config-if\)#$/);
      expect(bad).toContain("% Invalid command at '^' marker.");
      await shell.run('end', PROMPT);
      const running = await shell.run('show running-config', PROMPT);
      expect(running).toContain(
        'interface Ethernet1/1\r\n  description to-spine',
      );
      expect(running).toContain('feature lacp');
      expect(running).not.toContain('switchprot');

      const rollback = await shell.run(
        'rollback running-config checkpoint ztp-before-push',
        PROMPT,
      );
      expect(rollback).toContain('Rollback completed successfully.');
      expect(
        booted.device.runningConfig().split('\n').slice(4).join('\n'),
      ).toBe(before);
      expect(
        await shell.run('rollback running-config checkpoint nope', PROMPT),
      ).toContain('does not exist');
    } finally {
      shell.close();
    }
  });
});
