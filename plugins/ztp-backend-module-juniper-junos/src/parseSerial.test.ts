import { readFixture } from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import { junosSerialFromChassisHardware } from './parseSerial';

const fixture = (name: string) => readFixture(__dirname, name);

describe('Junos show chassis hardware', () => {
  it.each([
    // Not the midplane, PEM, routing engine or FPC rows.
    ['mx480-17.4-show-chassis-hardware.txt', 'JN11E4A5BAFA'],
    // Virtual Chassis: the Chassis row (the master), not FPC 1.
    ['ex4300-48t-vc-18.4-show-chassis-hardware.txt', 'PE3716120431'],
    // Cluster: node0's chassis, not node1's.
    ['srx345-cluster-19.4-show-chassis-hardware.txt', 'CW0219AF0437'],
    // Cluster whose primary is node1: node1's chassis.
    [
      'srx1500-cluster-21.4-primary-node1-show-chassis-hardware.txt',
      'DK2816AR0456',
    ],
    // MX Virtual Chassis, master is member1 (role line "{master:member1-re0}").
    ['mx960-vc-17.3-master-member1-show-chassis-hardware.txt', 'JN11F2C4EAFA'],
    // Raw capture: echo, ---(more 42%)--- residue, tab, {master:0}, CRLF.
    ['qfx5100-18.3-session-capture.txt', 'VF3716110052'],
    ['ex2300-c-20.2-show-chassis-hardware-crlf.txt', 'JW3618290123'],
    // A MOTD whose lines start with "Chassis" (an RMA note with the old
    // unit's serial), the echoed command, a pager prompt on its own line.
    ['ex4400-48t-21.4-motd-chassis-words-session-capture.txt', 'XN2411AB0C7D'],
  ])('finds the chassis serial in %s', (name, serial) => {
    expect(junosSerialFromChassisHardware(fixture(name))).toBe(serial);
  });

  it('does not take the description for a serial when the serial is empty', () => {
    expect(
      junosSerialFromChassisHardware(
        fixture('vmx-lab-show-chassis-hardware-no-serial.txt'),
      ),
    ).toBeUndefined();
  });

  it('takes the other node when logged in on the secondary', () => {
    const cluster = fixture(
      'srx1500-cluster-21.4-primary-node1-show-chassis-hardware.txt',
    );
    expect(
      junosSerialFromChassisHardware(
        cluster.replace('{primary:node1}', '{secondary:node0}'),
      ),
    ).toBe('DK2816AR0456');
    expect(
      junosSerialFromChassisHardware(
        cluster.replace('{primary:node1}', '{secondary:node1}[edit]'),
      ),
    ).toBe('DK2816AR0123');
  });

  it('lines tabbed columns up like a terminal', () => {
    const header =
      'Item\t\t Version  Part number  Serial number     Description\n';
    expect(
      junosSerialFromChassisHardware(`${header}Chassis\t\t\t\t\t\t\t VMX\n`),
    ).toBeUndefined();
    expect(
      junosSerialFromChassisHardware(
        `${header}Chassis\t\t\t\t       VM5B3C41A5CC\n`,
      ),
    ).toBe('VM5B3C41A5CC');
  });

  it('reads a chassis row whose columns were collapsed', () => {
    expect(
      junosSerialFromChassisHardware('Chassis\tJN123AB45CDE\tMX204\n'),
    ).toBe('JN123AB45CDE');
  });

  it('reads a capture indented as a whole, and a short chassis serial', () => {
    const indented = [
      ' show chassis hardware',
      '        Hardware inventory:',
      '        Item             Version  Part number  Serial number     Description',
      '        Chassis                                VM5D4C6B3599      VMX',
      '        Midplane        ',
      '        Routing Engine 0                                         RE-VMX',
    ].join('\n');
    expect(junosSerialFromChassisHardware(indented)).toBe('VM5D4C6B3599');
    // MX10008 chassis serials are five characters.
    const mx10008 = [
      'Hardware inventory:',
      'Item             Version  Part number  Serial number     Description',
      'Chassis                                ET578             JNP10008 [MX10008]',
      'Midplane         REV 16   750-086802   BCBV4211          Midplane 8',
      'Routing Engine 0          BUILTIN      BUILTIN           RE X10',
    ].join('\n');
    expect(junosSerialFromChassisHardware(mx10008)).toBe('ET578');
  });

  it('finds nothing in an error', () => {
    expect(
      junosSerialFromChassisHardware(
        'error: syntax error, expecting <command>: chasis\n',
      ),
    ).toBeUndefined();
  });
});
