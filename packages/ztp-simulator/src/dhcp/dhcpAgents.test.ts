import { leaseFromEnv } from './dhclient';
import { bootFileFromLease, DhcpLease, readSubOptions } from './dhcpAgents';

const lease = (extra: Partial<DhcpLease>): DhcpLease => ({
  address: '198.18.0.11',
  subnetMask: '255.255.255.0',
  routers: ['198.18.0.1'],
  leaseSeconds: 3600,
  tftpServerAddresses: [],
  ...extra,
});

describe('what each agent makes of its lease', () => {
  it('reads option 43 as dhclient prints it (hex bytes without leading zeros)', () => {
    const parsed = leaseFromEnv({
      new_ip_address: '198.18.0.14',
      new_subnet_mask: '255.255.255.0',
      new_routers: '198.18.0.1',
      new_dhcp_lease_time: '3600',
      new_tftp_server_address: '198.18.0.1',
      new_vendor_encapsulated_options:
        '1:5:2f:61:2e:63:66:3:4:68:74:74:70:5:2:38:30',
    });
    expect([...readSubOptions(parsed.vendorEncapsulated!)]).toEqual([
      [1, '/a.cf'],
      [3, 'http'],
      [5, '80'],
    ]);
    expect(bootFileFromLease('juniper-junos', parsed)).toEqual({
      url: 'http://198.18.0.1:80/a.cf',
    });
  });

  it('refuses what the real agent would not boot from', () => {
    expect(
      bootFileFromLease(
        'cisco-nxos',
        lease({ leaseSeconds: 600, bootFileName: 'http://198.18.0.1/x' }),
      ),
    ).toEqual({ refused: expect.stringMatching(/at least 3600 s/) });
    expect(
      bootFileFromLease(
        'cisco-iosxe',
        lease({ bootFileName: 'network-confg' }),
      ),
    ).toEqual({ refused: expect.stringMatching(/not an http URL/) });
    expect(bootFileFromLease('juniper-junos', lease({}))).toEqual({
      refused: expect.stringMatching(/no option 43/),
    });
    const tftpOnly = Buffer.from([
      1,
      3,
      0x61,
      0x2e,
      0x63,
      3,
      4,
      ...Buffer.from('tftp'),
    ]);
    expect(
      bootFileFromLease(
        'juniper-junos',
        lease({
          vendorEncapsulated: tftpOnly,
          tftpServerAddresses: ['198.18.0.1'],
        }),
      ),
    ).toEqual({ refused: expect.stringMatching(/asks for tftp/) });
    // 43.00 (the image Junos ZTP installs itself) is read as a sub-option
    // of its own, and refused: the simulated ZTP does not install it.
    const withImage = Buffer.concat([
      Buffer.from([0, 17]),
      Buffer.from('ztp/images/j.tgz1'),
      Buffer.from([1, 4]),
      Buffer.from('a.py'),
      Buffer.from([3, 4]),
      Buffer.from('http'),
    ]);
    expect([...readSubOptions(withImage)]).toEqual([
      [0, 'ztp/images/j.tgz1'],
      [1, 'a.py'],
      [3, 'http'],
    ]);
    expect(
      bootFileFromLease(
        'juniper-junos',
        lease({
          vendorEncapsulated: withImage,
          tftpServerAddresses: ['198.18.0.1'],
        }),
      ),
    ).toEqual({
      refused: expect.stringMatching(
        /option 43\.00 names an image .*"ztp\/images\/j\.tgz1"/,
      ),
    });
    expect(
      bootFileFromLease(
        'arista-eos',
        lease({ bootFileName: 'http://198.18.0.1:7080/ztp/config' }),
      ),
    ).toEqual({ url: 'http://198.18.0.1:7080/ztp/config' });
  });
});
