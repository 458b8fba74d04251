import { bootstrapArtifacts, bootstrapContext } from '../platforms';
import { builtinPlatformDrivers } from '../__testUtils__/builtinPlatforms';
import { platformDevice } from '../platforms/MinimalConfigRenderer';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { keaCheck } from './__testUtils__/kea';
import { DhcpDevice, generateKeaConfig } from './generateKeaConfig';
import type { DhcpSettings } from './settings';

const platforms = new PlatformRegistry(builtinPlatformDrivers);

const settings: DhcpSettings = {
  doorUrl: 'http://198.18.0.1:7080',
  subnets: [
    {
      id: 1,
      subnet: '198.18.0.0/24',
      pools: ['198.18.0.100 - 198.18.0.199'],
      gateway: '198.18.0.1',
      relayAddresses: [],
    },
    {
      id: 2,
      subnet: '198.18.1.0/24',
      pools: [],
      gateway: '198.18.1.1',
      relayAddresses: ['198.18.1.1'],
    },
  ],
  interfaces: ['*'],
  validLifetimeSeconds: 600,
  control: { socket: '/tmp/ztp-test-kea4.sock' },
  debounceSeconds: 5,
};

function device(
  name: string,
  platform: string,
  ip: string,
  extra: Partial<DhcpDevice> = {},
): DhcpDevice {
  return {
    entityRef: `resource:default/${name}`,
    name,
    hostname: name,
    platform,
    managementIp: ip,
    managementAddress: `${ip}/24`,
    defaultGateway: ip.replace(/\.\d+$/, '.1'),
    expectedSerial: 'FOC2148Z0AB',
    ...extra,
  };
}

const fleet: DhcpDevice[] = [
  device('edge-01', 'cisco-iosxe', '198.18.0.11', {
    macAddress: '52:54:00:00:00:11',
  }),
  device('leaf-01', 'cisco-nxos', '198.18.0.12', {
    macAddress: '52:54:00:00:00:12',
  }),
  device('leaf-02', 'arista-eos', '198.18.0.13', {
    macAddress: '52:54:00:00:00:13',
  }),
  device('fw-01', 'juniper-junos', '198.18.1.14', {
    hostname: 'fw-01.par1',
    defaultGateway: '198.18.1.254',
    macAddress: '52:54:00:00:00:14',
    switchPort: 'leaf-01:Ethernet1/14',
  }),
];

function reservationsOf(generated: ReturnType<typeof generateKeaConfig>) {
  return generated.reservations.subnet4.flatMap(s => s.reservations);
}

describe('generateKeaConfig', () => {
  it('writes a configuration Kea takes, one reservation per device with its platform options', async () => {
    const generated = generateKeaConfig(fleet, settings, platforms);
    expect(generated.problems).toEqual([]);
    expect(generated.reservationCount).toBe(4);

    const check = await keaCheck(generated.config);
    expect(check.output).not.toMatch(/ERROR/);
    expect(check.ok).toBe(true);

    const [subnet0, subnet1] = generated.config.Dhcp4.subnet4 as any[];
    expect(subnet0['option-data']).toEqual([
      { name: 'routers', data: '198.18.0.1' },
    ]);
    // NX-OS POAP refuses a lease under an hour: its subnet's leases last one.
    expect(subnet0['valid-lifetime']).toBe(3600);
    expect(subnet1['valid-lifetime']).toBe(600);
    expect(subnet1.relay).toEqual({ 'ip-addresses': ['198.18.1.1'] });
    expect(generated.config.Dhcp4['control-socket']).toEqual({
      'socket-type': 'unix',
      'socket-name': '/tmp/ztp-test-kea4.sock',
    });

    const byMac = new Map(
      reservationsOf(generated)
        .filter(r => r['hw-address'])
        .map(r => [r['hw-address'], r]),
    );
    // IOS XE: ZTP's script URL in 67, AutoInstall's TFTP server in 66 and 150.
    expect(byMac.get('52:54:00:00:00:11')).toMatchObject({
      'ip-address': '198.18.0.11',
      hostname: 'edge-01',
      'option-data': [
        {
          name: 'boot-file-name',
          data: 'http://198.18.0.1:7080/ztp/boot/ztp-525400000011.py',
        },
        { name: 'tftp-server-name', data: '198.18.0.1' },
        { name: 'tftp-server-address', data: '198.18.0.1' },
      ],
    });
    // NX-OS POAP: server in 66/150, script in 67.
    expect(byMac.get('52:54:00:00:00:12')!['option-data']).toMatchObject([
      {
        name: 'boot-file-name',
        data: 'http://198.18.0.1:7080/ztp/boot/poap.py',
      },
      { name: 'tftp-server-name', data: '198.18.0.1' },
      { name: 'tftp-server-address', data: '198.18.0.1' },
    ]);
    // EOS: option 67 alone.
    expect(byMac.get('52:54:00:00:00:13')!['option-data']).toEqual([
      {
        name: 'boot-file-name',
        data: 'http://198.18.0.1:7080/ztp/boot/eos-525400000013.py',
        'always-send': true,
      },
    ]);
    // Junos: option 43 sub-options 01 file, 03 transport, 05 port, and 150;
    // its gateway differs from the subnet's, so it has its own routers.
    const junos = byMac.get('52:54:00:00:00:14')!;
    const option43 = junos['option-data'].find(o => o.code === 43)!;
    const tlv = Buffer.from(option43.data, 'hex');
    const sub: Record<number, string> = {};
    for (let i = 0; i < tlv.length; i += 2 + tlv[i + 1]) {
      sub[tlv[i]] = tlv.subarray(i + 2, i + 2 + tlv[i + 1]).toString();
    }
    expect(sub).toEqual({
      1: 'ztp/boot/junos-525400000014.py',
      3: 'http',
      5: '7080',
    });
    expect(junos['option-data']).toEqual(
      expect.arrayContaining([
        { name: 'routers', data: '198.18.1.254' },
        {
          name: 'tftp-server-address',
          data: '198.18.0.1',
          'always-send': true,
        },
      ]),
    );
    // Its switch port: a second reservation of the same address by circuit ID.
    expect(reservationsOf(generated).filter(r => r['circuit-id'])).toEqual([
      expect.objectContaining({
        'circuit-id': "'leaf-01:Ethernet1/14'",
        'ip-address': '198.18.1.14',
      }),
    ]);
  });

  it('leaves out devices it cannot serve and says why; the file stays valid', async () => {
    const generated = generateKeaConfig(
      [
        ...fleet,
        device('far-01', 'arista-eos', '198.18.7.5', {
          macAddress: '52:54:00:00:07:05',
        }),
        device('twin-01', 'arista-eos', '198.18.0.13', {
          macAddress: '52:54:00:00:00:99',
        }),
        device('x-clone-01', 'arista-eos', '198.18.0.40', {
          macAddress: '52:54:00:00:00:11',
        }),
        device('nameless-01', 'arista-eos', '198.18.0.41'),
        device('hex-01', 'arista-eos', '198.18.0.42', {
          switchPort: '0x0004000A',
        }),
      ],
      settings,
      platforms,
    );
    expect(generated.problems).toEqual([
      {
        entityRef: 'resource:default/far-01',
        message:
          'far-01: its management address 198.18.7.5 is outside every provisioning subnet (198.18.0.0/24, 198.18.1.0/24)',
      },
      {
        entityRef: 'resource:default/nameless-01',
        message:
          'nameless-01 has neither a MAC address nor a switch port: DHCP cannot tell it apart, so it has no reservation',
      },
      {
        entityRef: 'resource:default/twin-01',
        message:
          'twin-01: 198.18.0.13 is also the address of leaf-02, which keeps the reservation',
      },
      {
        entityRef: 'resource:default/x-clone-01',
        message:
          'x-clone-01: MAC 52:54:00:00:00:11 is also declared for edge-01, which keeps the reservation',
      },
    ]);
    expect(generated.reservationCount).toBe(5);
    expect(
      reservationsOf(generated).find(r => r['circuit-id'] === '0004000a'),
    ).toMatchObject({ hostname: 'hex-01', 'ip-address': '198.18.0.42' });
    expect((await keaCheck(generated.config)).ok).toBe(true);
  });

  it('says so when no provisioning subnet is usable', () => {
    const generated = generateKeaConfig(
      fleet,
      {
        ...settings,
        subnets: [{ ...settings.subnets[0], subnet: '198.18.0.5/24' }],
      },
      platforms,
    );
    expect(generated.problems.slice(0, 2)).toEqual([
      {
        message:
          'ztp.dhcp.subnets: 198.18.0.5/24 is not a network address (did you mean 198.18.0.0/24?); the subnet is left out',
      },
      {
        message:
          'No provisioning subnet is configured (ztp.dhcp.subnets): no device can get a reservation',
      },
    ]);
    expect(generated.reservationCount).toBe(0);
  });

  it('gives addresses without boot options, and says so, while the door has no usable address', async () => {
    const generated = generateKeaConfig(
      fleet,
      { ...settings, doorUrl: undefined },
      platforms,
    );
    expect(generated.problems).toEqual([
      {
        message: expect.stringMatching(
          /^The door has no address a device can be sent to .*set ztp.provisioning.deviceUrl/,
        ),
      },
    ]);
    expect(generated.reservationCount).toBe(4);
    expect(
      reservationsOf(generated).every(r =>
        r['option-data'].every(o => o.name === 'routers'),
      ),
    ).toBe(true);
    expect((await keaCheck(generated.config)).ok).toBe(true);
  });

  it("names, for every device, a file the door serves it: the options are its bootstrap files' DHCP side", () => {
    const generated = generateKeaConfig(fleet, settings, platforms);
    for (const d of fleet) {
      const reservation = reservationsOf(generated).find(
        r => r['hw-address'] === d.macAddress,
      )!;
      const option = (name: string) =>
        reservation['option-data'].find(o => o.name === name)?.data;
      const option43 = reservation['option-data'].find(o => o.code === 43);
      // What the device asks the door for: 67, or Junos' 43.01 on the 150 server.
      const asked = option43
        ? `${settings.doorUrl}/${Buffer.from(option43.data, 'hex')
            .subarray(2, 2 + Buffer.from(option43.data, 'hex')[1])
            .toString()}`
        : option('boot-file-name')!;
      const served = bootstrapArtifacts(
        platforms.require(d.platform),
        bootstrapContext(platformDevice(d), 'hostname x\n', settings.doorUrl!),
      ).map(f => `${settings.doorUrl}/ztp/boot/${f.name}`);
      expect(served).toContain(asked);
    }
  });

  it("takes a platform module's options and changes its hash only with the configuration", () => {
    const registry = new PlatformRegistry(builtinPlatformDrivers);
    registry.add({
      ...builtinPlatformDrivers[2],
      id: 'sonic',
      displayName: 'SONiC',
      bootstrap: {
        files: ctx => [
          {
            name: `sonic-${ctx.device.hostname}.json`,
            contentType: 'application/json',
            body: JSON.stringify({ config: ctx.minimalConfig }),
            deliversConfig: true,
          },
        ],
        dhcpBootFile: ctx => ({
          bootFileName: `${ctx.doorUrl}/ztp/boot/sonic-${ctx.device.hostname}.json`,
          downloads: ['ztp.json over HTTP'],
        }),
      },
    });
    const sonic = device('spine-01', 'sonic', '198.18.0.50', {
      macAddress: '52:54:00:00:00:50',
    });
    const one = generateKeaConfig([sonic], settings, registry);
    expect(reservationsOf(one)[0]['option-data']).toEqual([
      {
        name: 'boot-file-name',
        data: 'http://198.18.0.1:7080/ztp/boot/sonic-spine-01.json',
        'always-send': true,
      },
    ]);
    expect(generateKeaConfig([sonic], settings, registry).hash).toBe(one.hash);
    expect(
      generateKeaConfig(
        [{ ...sonic, macAddress: '52:54:00:00:00:51' }],
        settings,
        registry,
      ).hash,
    ).not.toBe(one.hash);
  });

  it('gives a device of a platform without bootstrap files an address only, and says so', () => {
    const registry = new PlatformRegistry(builtinPlatformDrivers);
    registry.add({
      ...builtinPlatformDrivers[2],
      id: 'plain',
      displayName: 'Plain',
      bootstrap: undefined,
    });
    const plain = device('plain-01', 'plain', '198.18.0.60', {
      macAddress: '52:54:00:00:00:60',
      defaultGateway: '198.18.0.1',
    });
    const generated = generateKeaConfig([plain], settings, registry);
    expect(reservationsOf(generated)[0]['option-data']).toEqual([]);
    expect(generated.problems).toEqual([
      {
        entityRef: 'resource:default/plain-01',
        message:
          'plain-01: platform plain has no bootstrap files, so no DHCP options; its reservation gives an address and gateway only',
      },
    ]);
  });
});
