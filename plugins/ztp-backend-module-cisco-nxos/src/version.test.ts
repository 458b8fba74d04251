import { readFixture } from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import { nxosVersionFromShowVersion } from './version';

describe('NX-OS show version: the running release and model', () => {
  it('reads a 9.3 modular chassis', () => {
    expect(
      nxosVersionFromShowVersion(
        readFixture(__dirname, 'n9k-c9508-9.3-show-version.txt'),
      ),
    ).toEqual({ version: '9.3(5)', model: 'C9508' });
  });

  it('reads a 10.x fixed switch with its release type', () => {
    const output = `Cisco Nexus Operating System (NX-OS) Software
TAC support: http://www.cisco.com/tac
Copyright (c) 2002-2023, Cisco Systems, Inc. All rights reserved.

Nexus 9000 Series Switch

Software
  BIOS: version 05.47
  NXOS: version 10.3(4a) [Maintenance Release]
  BIOS compile time:  04/21/2022
  NXOS image file is: bootflash:///nxos64-cs.10.3.4a.M.bin
  NXOS compile time:  9/27/2023 13:00:00 [09/28/2023 08:43:27]

Hardware
  cisco Nexus9000 C93180YC-EX chassis
  Intel(R) Xeon(R) CPU  @ 1.80GHz with 24571496 kB of memory.
  Processor Board ID FDO22280EJX

  Device name: leaf-07
  bootflash:  115805708 kB
`;
    expect(nxosVersionFromShowVersion(output)).toEqual({
      version: '10.3(4a)',
      model: 'C93180YC-EX',
    });
  });

  it('reads 7.x, which calls it the system version', () => {
    const output = `Software
  BIOS: version 5.0.0
  NXOS: version not present
  system:    version 7.0(3)I7(9)
  BIOS compile time:  06/06/2017

Hardware
  cisco Nexus 3064 Chassis ("48x10GE + 16x10G/4x40G Supervisor")
`;
    // "not present" is no release: the system line is.
    expect(nxosVersionFromShowVersion(output)?.version).toBe('7.0(3)I7(9)');
  });

  it('has no version in a refused command', () => {
    expect(
      nxosVersionFromShowVersion('% Permission denied for the role'),
    ).toBeUndefined();
  });
});
