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
    expect(settings.bootServer).toEqual({
      url: 'http://198.18.0.1:7080',
      address: '198.18.0.1',
      port: 7080,
    });
    expect(settings.subnets.map(s => s.id)).toEqual([1, 7]);
    expect(settings.control).toBeUndefined();
    expect(settings.debounceSeconds).toBe(5);
  });

  it('has no boot server when the door listens on a wildcard and none is set', () => {
    expect(
      readDhcpSettings(
        new ConfigReader({ ztp: { provisioning: { host: '0.0.0.0' } } }),
      ).bootServer,
    ).toBeUndefined();
  });

  it('refuses a boot server devices could not reach without DNS', () => {
    expect(() =>
      readDhcpSettings(
        new ConfigReader({
          ztp: { dhcp: { bootServerUrl: 'http://ztp.example.net:7080' } },
        }),
      ),
    ).toThrow(
      'ztp.dhcp.bootServerUrl must name the door by its IPv4 address (devices have no DNS yet), not "ztp.example.net"',
    );
    expect(() =>
      readDhcpSettings(
        new ConfigReader({
          ztp: { dhcp: { bootServerUrl: 'https://198.18.0.1' } },
        }),
      ),
    ).toThrow('ztp.dhcp.bootServerUrl must be an http URL');
  });
});
