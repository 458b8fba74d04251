import {
  ANNOTATION_DEFAULT_GATEWAY,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_MANAGEMENT_ADDRESS,
  ANNOTATION_MANAGEMENT_VRF,
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
});
