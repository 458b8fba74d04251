import { scryptSync } from 'node:crypto';
import { SerialParseError } from '@ztp-portal/backstage-plugin-ztp-node';
import { renderMinimalConfig } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  generatedPassword,
  readFixture,
  scriptedCli,
} from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import { ciscoIosXeDriver } from './driver';

const device = {
  entityRef: 'resource:default/leaf-01',
  name: 'leaf-01',
  hostname: 'leaf-01',
  platform: 'cisco-iosxe',
  managementIp: '127.0.10.11',
  prefixLength: 24,
  defaultGateway: '127.0.10.1',
  expectedSerial: 'FGL2231A0BX',
};

/** Decodes the crypt-alphabet base64 of type 9 without the code under test. */
function decodeType9(encoded: string): Buffer {
  const crypt =
    './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const standard =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const mapped = [...encoded].map(c => standard[crypt.indexOf(c)]).join('');
  return Buffer.from(mapped, 'base64');
}

describe('ciscoIosXeDriver', () => {
  it('renders the minimal configuration with a type 9 secret that verifies', async () => {
    const password = generatedPassword();
    const passwordHash = await ciscoIosXeDriver.hashPassword(password);
    const config = renderMinimalConfig(ciscoIosXeDriver, device, {
      username: 'ztp-3f9a1c',
      passwordHash,
    });

    expect(config).toBe(`hostname leaf-01
!
username ztp-3f9a1c privilege 15 secret 9 ${passwordHash}
!
vrf definition Mgmt-vrf
 address-family ipv4
 exit-address-family
!
interface GigabitEthernet0/0
 vrf forwarding Mgmt-vrf
 ip address 127.0.10.11 255.255.255.0
 no shutdown
!
ip route vrf Mgmt-vrf 0.0.0.0 0.0.0.0 127.0.10.1
ip domain name ztp.invalid
crypto key generate rsa modulus 2048
ip ssh version 2
!
line vty 0 15
 login local
 transport input ssh
!
end
`);
    expect(config).not.toContain(password);

    const secret = /secret 9 (\S+)/.exec(config)![1];
    const match = /^\$9\$([./0-9A-Za-z]{14})\$([./0-9A-Za-z]{43})$/.exec(
      secret,
    );
    expect(match).not.toBeNull();
    const [, salt, encoded] = match!;
    const expected = scryptSync(password, salt, 32, { N: 16384, r: 1, p: 1 });
    expect(decodeType9(encoded).equals(expected)).toBe(true);
    const other = scryptSync(`${password}x`, salt, 32, {
      N: 16384,
      r: 1,
      p: 1,
    });
    expect(decodeType9(encoded).equals(other)).toBe(false);
  });

  it('uses a fresh salt for every hash', async () => {
    const [a, b] = await Promise.all([
      ciscoIosXeDriver.hashPassword('same'),
      ciscoIosXeDriver.hashPassword('same'),
    ]);
    expect(a).not.toBe(b);
  });

  it('renders the mask for other prefix lengths', () => {
    const config = renderMinimalConfig(
      ciscoIosXeDriver,
      { ...device, prefixLength: 27 },
      { username: 'u', passwordHash: '$9$x$y' },
    );
    expect(config).toContain(' ip address 127.0.10.11 255.255.255.224\n');
  });

  it("addresses the declared management port in its VRF (an ASR 1000's)", () => {
    const config = renderMinimalConfig(
      ciscoIosXeDriver,
      {
        ...device,
        managementInterface: 'GigabitEthernet0',
        managementVrf: 'Mgmt-intf',
      },
      { username: 'u', passwordHash: '$9$x$y' },
    );
    expect(config).toContain(
      '!\nvrf definition Mgmt-intf\n address-family ipv4\n exit-address-family\n!\n' +
        'interface GigabitEthernet0\n vrf forwarding Mgmt-intf\n ip address 127.0.10.11 255.255.255.0\n',
    );
    expect(config).toContain('ip route vrf Mgmt-intf 0.0.0.0 0.0.0.0 ');
    expect(config).not.toMatch(/Mgmt-vrf|GigabitEthernet0\/0/);
  });

  it('leaves the default route out when there is no gateway', () => {
    const config = renderMinimalConfig(
      ciscoIosXeDriver,
      { ...device, defaultGateway: undefined },
      { username: 'u', passwordHash: '$9$x$y' },
    );
    expect(config).not.toContain('ip route');
    expect(config).toContain(
      '!\nip domain name ztp.invalid\ncrypto key generate rsa modulus 2048\nip ssh version 2\n',
    );
  });

  it('reads the serial from show inventory first', async () => {
    const cli = scriptedCli({
      'show inventory': readFixture(
        __dirname,
        'c9300-48p-stack-17.6-show-inventory-paged.txt',
      ),
    });
    await expect(ciscoIosXeDriver.readSerial(cli)).resolves.toBe('FOC2236Y1AB');
    expect(cli.commands).toEqual(['show inventory']);
  });

  it('asks show version which StackWise Virtual member is active', async () => {
    // After a switchover chassis 2 is active; the inventory cannot tell.
    const version = readFixture(
      __dirname,
      'c9500-40x-svl-17.6-show-version.txt',
    ).replace(
      'Processor board ID FCW2240G0AB',
      'Processor board ID FCW2240G1CD',
    );
    const cli = scriptedCli({
      'show inventory': readFixture(
        __dirname,
        'c9500-40x-svl-17.6-show-inventory.txt',
      ),
      'show version': version,
    });
    await expect(ciscoIosXeDriver.readSerial(cli)).resolves.toBe('FCW2240G1CD');
    expect(cli.commands).toEqual(['show inventory', 'show version']);
  });

  it('keeps the lowest member when show version names none', async () => {
    const cli = scriptedCli({
      'show inventory': readFixture(
        __dirname,
        'c9500-40x-svl-17.6-show-inventory.txt',
      ),
    });
    await expect(ciscoIosXeDriver.readSerial(cli)).resolves.toBe('FCW2240G0AB');
  });

  it('falls back to show version when show inventory is refused', async () => {
    const cli = scriptedCli({
      'show version': readFixture(__dirname, 'csr1000v-16.12-show-version.txt'),
    });
    await expect(ciscoIosXeDriver.readSerial(cli)).resolves.toBe('9KXG7Q1M2ZD');
    expect(cli.commands).toEqual(['show inventory', 'show version']);
  });

  it('throws SerialParseError when no output names the chassis', async () => {
    const cli = scriptedCli({
      'show inventory': readFixture(__dirname, 'parts-only-show-inventory.txt'),
      'show version': 'Cisco IOS XE Software, Version 17.09.04a\n',
    });
    const error = await ciscoIosXeDriver.readSerial(cli).catch(e => e);
    expect(error).toBeInstanceOf(SerialParseError);
    expect(error.name).toBe('SerialParseError');
    expect(error.output).toContain('PWR-4450-AC');
  });

  it('reads the running configuration without its volatile header', async () => {
    const cli = scriptedCli({
      'show running-config':
        'Building configuration...\n\nCurrent configuration : 1520 bytes\n!\n! Last configuration change at 10:01:02 UTC Mon Mar 4 2024\n!\nversion 17.9\nhostname leaf-01\n!\nend\n',
    });
    await expect(ciscoIosXeDriver.readRunningConfig!(cli)).resolves.toBe(
      '!\n!\nversion 17.9\nhostname leaf-01\n!\nend\n',
    );
  });

  it('recognises its prompts and pager', () => {
    const { promptPattern, pagerPattern, errorPattern } = ciscoIosXeDriver.cli;
    for (const prompt of [
      'leaf-01#',
      'c8300-wan-01.branch#',
      'leaf-01(config)#',
      'leaf-01(config-if)#',
      'Switch>',
    ]) {
      expect(promptPattern.test(prompt)).toBe(true);
    }
    expect(promptPattern.test('Processor board ID FOC1234#x')).toBe(false);
    expect(pagerPattern!.test(' --More-- ')).toBe(true);
    expect(errorPattern!.test("% Invalid input detected at '^' marker.")).toBe(
      true,
    );
  });
});
