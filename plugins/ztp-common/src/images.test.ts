import { imageCompliance, normalizeSoftwareVersion } from './images';

const approved = [
  { platform: 'cisco-iosxe', modelFamily: '', version: '17.6.5' },
  { platform: 'cisco-iosxe', modelFamily: 'C9300', version: '17.9.4a' },
  { platform: 'cisco-nxos', modelFamily: '', version: '10.3(4a)' },
];

describe('image compliance', () => {
  it('compares versions as the platforms write them', () => {
    expect(normalizeSoftwareVersion('17.09.04a')).toBe('17.9.4a');
    expect(normalizeSoftwareVersion('10.03(04a)')).toBe('10.3(4a)');
    expect(normalizeSoftwareVersion('4.31.2F')).toBe('4.31.2f');
  });

  it('is Compliant on the approved version of its model family, Upgrade needed otherwise', () => {
    expect(
      imageCompliance(
        {
          platform: 'cisco-iosxe',
          runningVersion: '17.09.04a',
          deviceModel: 'C9300-48P',
        },
        approved,
      ),
    ).toEqual({
      state: 'compliant',
      running: '17.09.04a',
      approved: '17.9.4a',
    });
    // Another family: the platform's image without a family applies.
    expect(
      imageCompliance(
        {
          platform: 'cisco-iosxe',
          runningVersion: '17.09.04a',
          deviceModel: 'ISR4331/K9',
        },
        approved,
      ),
    ).toEqual({
      state: 'upgrade-needed',
      running: '17.09.04a',
      approved: '17.6.5',
    });
  });

  it('is unknown without a version read or an approved image, and says which', () => {
    expect(imageCompliance({ platform: 'cisco-nxos' }, approved)).toMatchObject(
      {
        state: 'unknown',
        reason: expect.stringContaining('not been read'),
      },
    );
    expect(
      imageCompliance(
        {
          platform: 'juniper-junos',
          runningVersion: '22.4R3.25',
          deviceModel: 'ex4400-48p',
        },
        approved,
      ),
    ).toEqual({
      state: 'unknown',
      running: '22.4R3.25',
      reason: 'no image is approved for juniper-junos ex4400-48p in ztp.images',
    });
  });
});
