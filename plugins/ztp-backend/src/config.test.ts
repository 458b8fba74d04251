import { ConfigReader } from '@backstage/config';
import { readZtpConfig } from './config';

describe('readZtpConfig', () => {
  it('puts the TFTP door on the provisioning host and port 69, where devices ask', () => {
    const settings = readZtpConfig(
      new ConfigReader({ ztp: { provisioning: { host: '198.18.0.5' } } }),
    );
    // On by default, where devices ask: the provisioning host, port 69.
    expect(settings.provisioning.tftp).toEqual({
      enabled: true,
      host: '198.18.0.5',
      port: 69,
    });
    // Scripts call the door back where devices reach it.
    expect(settings.provisioning.deviceUrl).toBe('http://198.18.0.5:7080');
    const behindNat = readZtpConfig(
      new ConfigReader({
        ztp: {
          provisioning: {
            host: '0.0.0.0',
            deviceUrl: 'http://198.18.0.9:8080/',
            tftp: { port: 6969 },
          },
        },
      }),
    );
    expect(behindNat.provisioning.deviceUrl).toBe('http://198.18.0.9:8080');
    expect(behindNat.provisioning.tftp.port).toBe(6969);
  });

  it('keeps the TFTP door off with the door, or when turned off', () => {
    const tftp = (provisioning: object) =>
      readZtpConfig(new ConfigReader({ ztp: { provisioning } })).provisioning
        .tftp;
    expect(tftp({})).toEqual({ enabled: true, host: '127.0.0.1', port: 69 });
    expect(tftp({ enabled: false }).enabled).toBe(false);
    expect(tftp({ tftp: { enabled: false } }).enabled).toBe(false);
    expect(
      tftp({ enabled: false, tftp: { enabled: true, host: '198.18.0.7' } }),
    ).toEqual({ enabled: true, host: '198.18.0.7', port: 69 });
  });
});
