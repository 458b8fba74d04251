import {
  builtinPlatformDrivers,
  findBuiltinDriver,
  getBuiltinDriver,
} from './builtinPlatforms';

/** The platforms the portal ships, as operators know them. */
const BUILTIN_PLATFORMS = [
  { id: 'cisco-iosxe', displayName: 'Cisco IOS XE' },
  { id: 'cisco-nxos', displayName: 'Cisco NX-OS' },
  { id: 'arista-eos', displayName: 'Arista EOS' },
  { id: 'juniper-junos', displayName: 'Juniper Junos' },
];

describe('builtinPlatformDrivers', () => {
  it('has one driver for each built-in platform, with its display name', () => {
    expect(
      builtinPlatformDrivers.map(d => ({
        id: d.id,
        displayName: d.displayName,
      })),
    ).toEqual(
      BUILTIN_PLATFORMS.map(p => ({ id: p.id, displayName: p.displayName })),
    );
  });

  it('looks drivers up by platform id', () => {
    expect(getBuiltinDriver('juniper-junos').id).toBe('juniper-junos');
    expect(findBuiltinDriver('sonic')).toBeUndefined();
    expect(() => getBuiltinDriver('sonic')).toThrow(
      'No built-in driver for platform "sonic"; built-in platforms are cisco-iosxe, cisco-nxos, arista-eos, juniper-junos',
    );
  });
});
