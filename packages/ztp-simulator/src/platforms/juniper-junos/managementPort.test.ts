import { getPlatform } from '..';
import type { PlatformSystem } from '../types';
import { ImageFlash } from '../../device/ImageFlash';

function junos(model: string): PlatformSystem {
  return getPlatform('juniper-junos').createSystem({
    model,
    realSerial: () => 'JN11D3F4AAFA',
    baseMac: () => '88:e0:f3:00:00:01',
    bootedAt: () => new Date(),
    timerScale: 1,
    notify: () => {},
    httpGet: async () => ({ status: 404, body: '' }),
    images: new ImageFlash({
      platform: 'juniper-junos',
      sourceAddress: '127.0.0.1',
      freeBytes: 1024 ** 3,
      totalBytes: 2 * 1024 ** 3,
      corruptDownloads: false,
      checkUrl: () => {},
    }),
    reload: () => {},
  });
}

const config = (port: string) => `system {
    host-name edge-01;
    root-authentication {
        encrypted-password "$6$abcdefgh$0123456789";
    }
    services {
        ssh;
    }
}
interfaces {
    ${port} {
        unit 0 {
            family inet {
                address 127.0.46.11/24;
            }
        }
    }
}
`;

describe('Junos management ports', () => {
  it.each([
    ['EX4300-48T', 'me0', ['em0', 'fxp0']],
    ['QFX5120-48Y-8C', 'em0', ['me0', 'fxp0']],
    ['MX204', 'fxp0', ['em0', 'me0']],
    ['SRX345', 'fxp0', ['em0']],
  ])(
    'a %s answers on %s only, not on another family’s port name',
    (model, own, others) => {
      for (const port of [own, ...others]) {
        const system = junos(model);
        // Junos commits an interface the box does not have (it may be
        // fitted later); the address simply answers nothing.
        expect(system.loadBootConfig(config(port))).toEqual({ ok: true });
        expect(system.addressReachable!('127.0.46.11')).toBe(port === own);
      }
    },
  );

  it('answers on a front-panel port of any model', () => {
    const system = junos('EX4300-48T');
    expect(system.loadBootConfig(config('ge-0/0/0'))).toEqual({ ok: true });
    expect(system.addressReachable!('127.0.46.11')).toBe(true);
    expect(system.addressReachable!('127.0.46.12')).toBe(false);
  });
});
