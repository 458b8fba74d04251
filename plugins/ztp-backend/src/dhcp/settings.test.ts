import { ConfigReader } from '@backstage/config';
import { readDhcpSettings } from './settings';

describe('readDhcpSettings', () => {
  it("points devices at the door's own address by default", () => {
    const settings = readDhcpSettings(
      new ConfigReader({
        ztp: {
          provisioning: { host: '198.18.0.1', port: 7080 },
          dhcp: {
            subnets: [
              { subnet: '198.18.0.0/24', gateway: '198.18.0.1' },
              {
                id: 7,
                subnet: '198.18.1.0/24',
                relayAddresses: ['198.18.1.1'],
              },
            ],
          },
        },
      }),
    );
    expect(settings.doorUrl).toBe('http://198.18.0.1:7080');
    expect(settings.subnets.map(s => s.id)).toEqual([1, 7]);
    expect(settings.control).toBeUndefined();
    expect(settings.debounceSeconds).toBe(5);
  });

  it('has no boot server when the door listens on a wildcard and none is set', () => {
    expect(
      readDhcpSettings(
        new ConfigReader({ ztp: { provisioning: { host: '0.0.0.0' } } }),
      ).doorUrl,
    ).toBeUndefined();
  });

  it('sends devices where their bootstrap scripts point: ztp.provisioning.deviceUrl', () => {
    expect(
      readDhcpSettings(
        new ConfigReader({
          ztp: {
            provisioning: {
              host: '0.0.0.0',
              deviceUrl: 'http://198.18.0.9:8080/',
            },
          },
        }),
      ).doorUrl,
    ).toBe('http://198.18.0.9:8080');
  });

  it('has no door address for options when devices would need DNS or https', () => {
    for (const deviceUrl of [
      'http://ztp.example.net:7080',
      'https://198.18.0.1',
      'not a url',
    ]) {
      expect(
        readDhcpSettings(
          new ConfigReader({ ztp: { provisioning: { deviceUrl } } }),
        ).doorUrl,
      ).toBeUndefined();
    }
  });
});
