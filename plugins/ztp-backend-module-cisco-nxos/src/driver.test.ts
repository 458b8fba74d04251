import { SerialParseError } from '@ztp-portal/backstage-plugin-ztp-node';
import { renderMinimalConfig } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  generatedPassword,
  readFixture,
  scriptedCli,
  opensslPasswd,
} from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import { ciscoNxosDriver } from './driver';

const device = {
  entityRef: 'resource:default/leaf-02',
  name: 'leaf-02',
  hostname: 'leaf-02',
  platform: 'cisco-nxos',
  managementIp: '127.0.10.12',
  prefixLength: 24,
  defaultGateway: '127.0.10.1',
  expectedSerial: 'FDO23140QKB',
};

describe('ciscoNxosDriver', () => {
  it('renders the minimal configuration with a SHA-256 crypt password that verifies', async () => {
    const password = generatedPassword();
    const passwordHash = await ciscoNxosDriver.hashPassword(password);
    const config = renderMinimalConfig(ciscoNxosDriver, device, {
      username: 'ztp-3f9a1c',
      passwordHash,
    });

    expect(config).toBe(`hostname leaf-02
feature ssh
username ztp-3f9a1c password 5 ${passwordHash}  role network-admin
vrf context management
  ip route 0.0.0.0/0 127.0.10.1
interface mgmt0
  vrf member management
  ip address 127.0.10.12/24
  no shutdown
`);
    expect(config).not.toContain(password);

    const hash = /password 5 (\S+)/.exec(config)![1];
    const salt = /^\$5\$([./0-9A-Za-z]{16})\$[./0-9A-Za-z]{43}$/.exec(
      hash,
    )?.[1];
    expect(salt).toBeDefined();
    const openssl = opensslPasswd('-5', salt!, password);
    expect(openssl).toBe(hash);
  });

  it('addresses a declared management port instead of mgmt0', () => {
    const config = renderMinimalConfig(
      ciscoNxosDriver,
      { ...device, managementInterface: 'Ethernet1/48', managementVrf: 'OOB' },
      { username: 'u', passwordHash: '$5$x$y' },
    );
    expect(config).toContain(
      'vrf context OOB\n  ip route 0.0.0.0/0 127.0.10.1\ninterface Ethernet1/48\n  no switchport\n  vrf member OOB\n  ip address 127.0.10.12/24\n',
    );
    expect(config).not.toContain('mgmt0');
  });

  it('reads the chassis serial from show inventory on a modular switch', async () => {
    const cli = scriptedCli({
      'show inventory': readFixture(
        __dirname,
        'n9k-c9508-9.3-show-inventory-modular.txt',
      ),
      'show version': readFixture(__dirname, 'n9k-c9508-9.3-show-version.txt'),
    });
    // Not the supervisor's board ID that show version reports.
    await expect(ciscoNxosDriver.readSerial(cli)).resolves.toBe('FGE20370ABC');
    expect(cli.commands).toEqual(['show inventory']);
  });

  it('falls back to the processor board ID', async () => {
    const cli = scriptedCli({
      'show version': readFixture(__dirname, 'n9k-c9508-9.3-show-version.txt'),
    });
    await expect(ciscoNxosDriver.readSerial(cli)).resolves.toBe('FOC23421SUP');
  });

  it('throws SerialParseError when nothing names the chassis', async () => {
    const cli = scriptedCli({});
    await expect(ciscoNxosDriver.readSerial(cli)).rejects.toBeInstanceOf(
      SerialParseError,
    );
  });

  it('reads the running configuration without its timestamps', async () => {
    const cli = scriptedCli({
      'show running-config':
        '\n!Command: show running-config\n!Running configuration last done at: Mon Mar  4 10:01:02 2024\n!Time: Mon Mar  4 10:05:00 2024\n\nversion 9.3(5) Bios:version 08.38\nhostname leaf-02\n',
    });
    await expect(ciscoNxosDriver.readRunningConfig!(cli)).resolves.toBe(
      'version 9.3(5) Bios:version 08.38\nhostname leaf-02\n',
    );
  });

  it('recognises its prompts and pager', () => {
    const { promptPattern, pagerPattern } = ciscoNxosDriver.cli;
    for (const prompt of [
      'leaf-02# ',
      'n3k-tor-07.dc1#',
      'leaf-02(config-if)# ',
    ]) {
      expect(promptPattern.test(prompt)).toBe(true);
    }
    expect(pagerPattern!.test('--More--')).toBe(true);
  });
});
