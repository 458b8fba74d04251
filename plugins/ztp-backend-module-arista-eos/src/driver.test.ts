import { SerialParseError } from '@ztp-portal/backstage-plugin-ztp-node';
import { renderMinimalConfig } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  generatedPassword,
  readFixture,
  scriptedCli,
  opensslPasswd,
} from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import { aristaEosDriver } from './driver';

const device = {
  entityRef: 'resource:default/leaf-03',
  name: 'leaf-03',
  hostname: 'leaf-03',
  platform: 'arista-eos',
  managementIp: '127.0.10.13',
  prefixLength: 24,
  defaultGateway: '127.0.10.1',
  expectedSerial: 'JPE17151234',
};

describe('aristaEosDriver', () => {
  it('renders the minimal configuration with a SHA-512 crypt secret that verifies', async () => {
    const password = generatedPassword();
    const passwordHash = await aristaEosDriver.hashPassword(password);
    const config = renderMinimalConfig(aristaEosDriver, device, {
      username: 'ztp-3f9a1c',
      passwordHash,
    });

    expect(config).toBe(`hostname leaf-03
username ztp-3f9a1c privilege 15 role network-admin secret sha512 ${passwordHash}
aaa authorization exec default local
management ssh
   no shutdown
interface Management1
   ip address 127.0.10.13/24
   no shutdown
ip route 0.0.0.0/0 127.0.10.1
end
`);
    expect(config).not.toContain(password);

    const hash = /secret sha512 (\S+)/.exec(config)![1];
    const salt = /^\$6\$([./0-9A-Za-z]{16})\$[./0-9A-Za-z]{86}$/.exec(
      hash,
    )?.[1];
    expect(salt).toBeDefined();
    const openssl = opensslPasswd('-6', salt!, password);
    expect(openssl).toBe(hash);
  });

  it('puts the declared management port in its VRF, with SSH and the route there too', () => {
    const config = renderMinimalConfig(
      aristaEosDriver,
      { ...device, managementInterface: 'Management0', managementVrf: 'MGMT' },
      { username: 'u', passwordHash: '$6$x$y' },
    );
    expect(config).toBe(`hostname leaf-03
username u privilege 15 role network-admin secret sha512 $6$x$y
aaa authorization exec default local
vrf instance MGMT
management ssh
   no shutdown
   vrf MGMT
      no shutdown
interface Management0
   vrf MGMT
   ip address 127.0.10.13/24
   no shutdown
ip route vrf MGMT 0.0.0.0/0 127.0.10.1
end
`);
  });

  it('reads the serial from show version', async () => {
    const cli = scriptedCli({
      'show version': readFixture(
        __dirname,
        'dcs-7050tx-64-4.20-show-version.txt',
      ),
    });
    await expect(aristaEosDriver.readSerial(cli)).resolves.toBe('JPE17151234');
    expect(cli.commands).toEqual(['show version']);
  });

  it('takes the chassis serial from show inventory when show version has none', async () => {
    const cli = scriptedCli({
      'show version': readFixture(__dirname, 'dcs-7504n-4.22-show-version.txt'),
      'show inventory': readFixture(
        __dirname,
        'dcs-7504n-4.22-show-inventory-modular.txt',
      ),
    });
    await expect(aristaEosDriver.readSerial(cli)).resolves.toBe('JAS17100043');
    expect(cli.commands).toEqual(['show version', 'show inventory']);
  });

  it('throws SerialParseError for a system without a serial', async () => {
    const cli = scriptedCli({
      'show version': readFixture(__dirname, 'veos-4.26-show-version.txt'),
      'show inventory': readFixture(__dirname, 'veos-4.26-show-inventory.txt'),
    });
    const error = await aristaEosDriver.readSerial(cli).catch(e => e);
    expect(error).toBeInstanceOf(SerialParseError);
    expect(error.output).toContain('Arista vEOS');
  });

  it('reads the running configuration without its header', async () => {
    const cli = scriptedCli({
      'show running-config':
        '! Command: show running-config\n! device: leaf-03 (DCS-7050TX-64, EOS-4.20.1F)\n!\n! boot system flash:/EOS-4.20.1F.swi\n!\nhostname leaf-03\nend\n',
    });
    await expect(aristaEosDriver.readRunningConfig!(cli)).resolves.toBe(
      '! device: leaf-03 (DCS-7050TX-64, EOS-4.20.1F)\n!\n! boot system flash:/EOS-4.20.1F.swi\n!\nhostname leaf-03\nend\n',
    );
  });

  it('recognises its prompts and pager', () => {
    const { promptPattern, pagerPattern } = aristaEosDriver.cli;
    for (const prompt of [
      'leaf-03#',
      'leaf-3a.dc1>',
      'leaf-03(config)#',
      'leaf-03(config-s-ztp)(config-if-Ma1)#',
    ]) {
      expect(promptPattern.test(prompt)).toBe(true);
    }
    expect(pagerPattern!.test(' --More-- ')).toBe(true);
  });
});
