import {
  ANNOTATION_DEFAULT_GATEWAY,
  ANNOTATION_HOSTNAME,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_MANAGEMENT_ADDRESS,
  ANNOTATION_MANAGEMENT_INTERFACE,
  ANNOTATION_MANAGEMENT_VRF,
  ANNOTATION_MODEL,
  ANNOTATION_PLATFORM,
  ANNOTATION_SERIAL,
  ANNOTATION_SERIAL_TEMPORARY,
  ANNOTATION_SSH_PORT,
  ANNOTATION_SWITCH_PORT,
} from './annotations';
import {
  normalizeMac,
  parseDeviceAnnotations,
  serialsMatch,
  validateSerial,
} from './validation';

/** Platform ids as the backend's platform modules register them. */
const platforms = ['cisco-iosxe', 'cisco-nxos', 'arista-eos', 'juniper-junos'];

const valid = {
  [ANNOTATION_SERIAL]: 'FOC2148Z0AB',
  [ANNOTATION_PLATFORM]: 'cisco-iosxe',
  [ANNOTATION_MANAGEMENT_ADDRESS]: '127.0.10.11/24',
  [ANNOTATION_DEFAULT_GATEWAY]: '127.0.10.1',
  [ANNOTATION_MAC_ADDRESS]: '5254.0012.3456',
};

function errorsOf(annotations: Record<string, string>) {
  const r = parseDeviceAnnotations(annotations, platforms);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('parseDeviceAnnotations', () => {
  it('normalises a valid declaration', () => {
    const r = parseDeviceAnnotations(valid, platforms);
    expect(r).toEqual({
      ok: true,
      declaration: expect.objectContaining({
        serial: 'FOC2148Z0AB',
        serialTemporary: false,
        platform: 'cisco-iosxe',
        managementIp: '127.0.10.11',
        prefixLength: 24,
        macAddress: '52:54:00:12:34:56',
        sshPort: 22,
      }),
    });
  });

  it.each([
    [ANNOTATION_SERIAL, 'FOC 2148', /serial-number.*not a serial number/],
    [ANNOTATION_SERIAL, 'ab', /not a serial number/],
    [
      ANNOTATION_PLATFORM,
      'cisco-ios-classic',
      /unknown platform "cisco-ios-classic"/,
    ],
    [
      ANNOTATION_MANAGEMENT_ADDRESS,
      '127.0.10.300/24',
      /not an IP address with a prefix/,
    ],
    [
      ANNOTATION_MANAGEMENT_ADDRESS,
      '127.0.10.11',
      /not an IP address with a prefix/,
    ],
    [
      ANNOTATION_DEFAULT_GATEWAY,
      'gateway',
      /default-gateway.*not an IP address/,
    ],
    [
      ANNOTATION_DEFAULT_GATEWAY,
      '127.0.99.1',
      /outside the management network/,
    ],
    [ANNOTATION_MAC_ADDRESS, '52:54:00:12:34', /not a MAC address/],
    [ANNOTATION_MAC_ADDRESS, 'zz:54:00:12:34:56', /not a MAC address/],
    [ANNOTATION_SERIAL_TEMPORARY, 'yes', /must be "true" or "false"/],
    [ANNOTATION_SSH_PORT, '70000', /not a TCP port/],
    // Names end up in configurations: a second word or a new line would be
    // a command of its own.
    [
      ANNOTATION_MANAGEMENT_INTERFACE,
      'Gi0/0\n username x privilege 15',
      /management-interface: "Gi0\/0\\n username x privilege 15" is not an interface name/,
    ],
    [ANNOTATION_MANAGEMENT_INTERFACE, 'mgmt 0', /not an interface name/],
    [ANNOTATION_MANAGEMENT_VRF, 'Mgmt vrf', /management-vrf: .*not a VRF name/],
    [ANNOTATION_MANAGEMENT_VRF, 'x'.repeat(33), /not a VRF name/],
  ])('rejects %s = %s', (name, value, message) => {
    expect(errorsOf({ ...valid, [name]: value })).toEqual(
      expect.arrayContaining([expect.stringMatching(message)]),
    );
  });

  it('requires a serial and a way to recognise the device', () => {
    const {
      [ANNOTATION_SERIAL]: _s,
      [ANNOTATION_MAC_ADDRESS]: _m,
      ...rest
    } = valid;
    const errors = errorsOf(rest);
    expect(errors).toEqual(
      expect.arrayContaining([
        `${ANNOTATION_SERIAL}: is required`,
        expect.stringMatching(/needs .*mac-address or .*hostname/),
      ]),
    );
  });

  it('takes a declared management port and VRF', () => {
    const r = parseDeviceAnnotations(
      {
        ...valid,
        [ANNOTATION_MANAGEMENT_INTERFACE]: 'GigabitEthernet0',
        [ANNOTATION_MANAGEMENT_VRF]: 'Mgmt-intf',
      },
      platforms,
    );
    expect(r).toEqual({
      ok: true,
      declaration: expect.objectContaining({
        managementInterface: 'GigabitEthernet0',
        managementVrf: 'Mgmt-intf',
      }),
    });
    const plain = parseDeviceAnnotations(valid, platforms);
    expect(plain.ok && plain.declaration.managementInterface).toBeUndefined();
  });

  it("applies the declared platform's own rules, and only its", () => {
    // The platforms' own rules are tested in their packages.
    const strict = {
      id: 'example-os',
      declarationProblems: ({ managementVrf }: { managementVrf?: string }) =>
        managementVrf && managementVrf !== 'mgmt'
          ? [`example-os keeps its port in mgmt, not "${managementVrf}"`]
          : [],
    };
    const withRules = [...platforms, strict];
    const declared = {
      ...valid,
      [ANNOTATION_PLATFORM]: 'example-os',
      [ANNOTATION_MANAGEMENT_VRF]: 'OOB',
    };
    expect(parseDeviceAnnotations(declared, withRules)).toEqual({
      ok: false,
      errors: ['example-os keeps its port in mgmt, not "OOB"'],
    });
    expect(
      parseDeviceAnnotations(
        { ...declared, [ANNOTATION_MANAGEMENT_VRF]: 'mgmt' },
        withRules,
      ).ok,
    ).toBe(true);
    expect(
      parseDeviceAnnotations(
        { ...valid, [ANNOTATION_MANAGEMENT_VRF]: 'OOB' },
        withRules,
      ).ok,
    ).toBe(true);
  });

  it('refuses a model that is not one', () => {
    expect(errorsOf({ ...valid, [ANNOTATION_MODEL]: 'EX4300 48T' })).toEqual([
      expect.stringMatching(/model: "EX4300 48T" is not a chassis model/),
    ]);
    // A platform without model rules keeps the model and says nothing of its port.
    const ios = parseDeviceAnnotations(
      { ...valid, [ANNOTATION_MODEL]: 'C9300-48P' },
      platforms,
    );
    expect(ios.ok && ios.declaration).toMatchObject({ model: 'C9300-48P' });
    expect(ios.ok && ios.declaration.managementInterface).toBeUndefined();
  });

  it('takes the switch port a device is cabled to as a circuit ID', () => {
    for (const port of [
      'leaf-01:Ethernet1/1',
      'Gi1/0/7 vlan 10',
      '0x0004000a',
    ]) {
      const r = parseDeviceAnnotations(
        { ...valid, [ANNOTATION_SWITCH_PORT]: port },
        platforms,
      );
      expect(r.ok && r.declaration.switchPort).toBe(port);
    }
    // Kea quotes a text circuit ID: a quote, a control character or an
    // odd hex string would break the reservation.
    for (const port of ["leaf-01'x", 'leaf\n01', '0x123', '', 'x'.repeat(64)]) {
      expect(errorsOf({ ...valid, [ANNOTATION_SWITCH_PORT]: port })).toEqual([
        expect.stringMatching(/switch-port: .* is not a circuit ID/),
      ]);
    }
  });

  it('accepts a hostname instead of a MAC', () => {
    const { [ANNOTATION_MAC_ADDRESS]: _m, ...rest } = valid;
    const r = parseDeviceAnnotations(
      { ...rest, [ANNOTATION_HOSTNAME]: 'leaf-01.par1' },
      platforms,
    );
    expect(r.ok).toBe(true);
  });
});

describe('serials and MACs', () => {
  it('compares serials ignoring case and surrounding space', () => {
    expect(serialsMatch(' foc2148z0ab\n', 'FOC2148Z0AB')).toBe(true);
    expect(serialsMatch('FOC2148Z0AC', 'FOC2148Z0AB')).toBe(false);
  });

  it('says what is wrong with a serial', () => {
    expect(validateSerial('')).toBe('Serial number is required');
    expect(validateSerial('JN11D3F4AAFA')).toBeUndefined();
  });

  it('normalises every common MAC notation', () => {
    for (const m of [
      '52:54:00:AB:cd:EF',
      '52-54-00-ab-cd-ef',
      '5254.00ab.cdef',
      '525400abcdef',
    ]) {
      expect(normalizeMac(m)).toBe('52:54:00:ab:cd:ef');
    }
    expect(normalizeMac('5254.00ab.cde')).toBeUndefined();
  });
});
