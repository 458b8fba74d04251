import {
  ANNOTATION_DEFAULT_GATEWAY,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_MANAGEMENT_ADDRESS,
  ANNOTATION_MANAGEMENT_INTERFACE,
  ANNOTATION_MANAGEMENT_VRF,
  ANNOTATION_MODEL,
  ANNOTATION_PLATFORM,
  ANNOTATION_SERIAL,
  parseDeviceAnnotations,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { juniperJunosDriver } from './driver';

/** The catalog's check of a declaration, with this platform's rules. */
const platforms = [juniperJunosDriver];

const valid = {
  [ANNOTATION_SERIAL]: 'FOC2148Z0AB',
  [ANNOTATION_MANAGEMENT_ADDRESS]: '127.0.10.11/24',
  [ANNOTATION_DEFAULT_GATEWAY]: '127.0.10.1',
  [ANNOTATION_MAC_ADDRESS]: '5254.0012.3456',
};

function errorsOf(annotations: Record<string, string>) {
  const r = parseDeviceAnnotations(annotations, platforms);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('juniperJunosDriver declarations', () => {
  it('refuses management VRFs the platform cannot have', () => {
    expect(
      errorsOf({
        ...valid,
        [ANNOTATION_PLATFORM]: 'juniper-junos',
        [ANNOTATION_MANAGEMENT_VRF]: 'MGMT',
      }),
    ).toEqual([expect.stringMatching(/only in mgmt_junos.*not "MGMT"/)]);
  });

  it('gives a Junos device its model’s management port unless one is declared', () => {
    const port = (model: string, declared?: string) => {
      const r = parseDeviceAnnotations(
        {
          ...valid,
          [ANNOTATION_PLATFORM]: 'juniper-junos',
          [ANNOTATION_MODEL]: model,
          ...(declared ? { [ANNOTATION_MANAGEMENT_INTERFACE]: declared } : {}),
        },
        platforms,
      );
      if (!r.ok) throw new Error(r.errors.join('; '));
      return r.declaration.managementInterface;
    };
    expect(port('MX204')).toBe('fxp0');
    expect(port('SRX4100')).toBe('fxp0');
    expect(port('QFX5120-48Y-8C')).toBe('em0');
    expect(port('EX4300-48T')).toBe('me0');
    expect(port('ex2300-24t')).toBe('me0');
    // QFX-based EX switches, and Junos OS Evolved.
    expect(port('EX4650-48Y')).toBe('em0');
    expect(port('QFX5130-32CD')).toBe('re0:mgmt-0');
    // The declared port wins.
    expect(port('EX4300-48T', 'em0')).toBe('em0');
    expect(port('SRX345', 'ge-0/0/0')).toBe('ge-0/0/0');
  });

  it('refuses a Junos model whose port is not known', () => {
    expect(
      errorsOf({
        ...valid,
        [ANNOTATION_PLATFORM]: 'juniper-junos',
        [ANNOTATION_MODEL]: 'ACX7100-48L',
      }),
    ).toEqual([
      expect.stringMatching(
        /management port of a Junos ACX7100-48L is not known.*declare it with ztp\.network\/management-interface/,
      ),
    ]);
    // Declaring the port settles it.
    expect(
      parseDeviceAnnotations(
        {
          ...valid,
          [ANNOTATION_PLATFORM]: 'juniper-junos',
          [ANNOTATION_MODEL]: 'ACX7100-48L',
          [ANNOTATION_MANAGEMENT_INTERFACE]: 're0:mgmt-0',
        },
        platforms,
      ).ok,
    ).toBe(true);
  });
});
