import { bootDevice } from '../__testUtils__/bootDevice';
import { execCommand } from '../__testUtils__/sshClient';
import type { PlatformId } from '../platforms/types';

jest.setTimeout(60_000);

// Each platform's show version reports the release it was given, in the
// platform's own words, instead of its default.
const cases: [PlatformId, string, string, RegExp][] = [
  [
    'cisco-iosxe',
    '127.0.45.11',
    '17.06.05',
    /^Cisco IOS XE Software, Version 17\.06\.05$/m,
  ],
  [
    'cisco-nxos',
    '127.0.45.12',
    '9.3(12)',
    /^ {2}NXOS: version 9\.3\(12\) \[Maintenance Release\]$/m,
  ],
  [
    'arista-eos',
    '127.0.45.13',
    '4.29.2F',
    /^Software image version: 4\.29\.2F$/m,
  ],
  ['juniper-junos', '127.0.45.14', '21.4R3-S5.4', /^Junos: 21\.4R3-S5\.4$/m],
];

describe.each(cases)(
  '%s with another release',
  (platform, ip, version, line) => {
    it('reports it in show version', async () => {
      const booted = await bootDevice(platform, ip, {
        realSerial: 'SIMSERIAL01',
        softwareVersion: version,
      });
      try {
        const output = await execCommand(booted.login, 'show version');
        expect(output).toMatch(line);
      } finally {
        await booted.stop();
      }
    });
  },
);
