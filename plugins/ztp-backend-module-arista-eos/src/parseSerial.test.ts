import { readFixture } from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import { eosSerialFromInventory, eosSerialFromVersion } from './parseSerial';

const fixture = (name: string) => readFixture(__dirname, name);

describe('EOS show version', () => {
  it.each([
    ['dcs-7050tx-64-4.20-show-version.txt', 'JPE17151234'],
    // Raw capture: prompt, echo, CRLF, tab, trailing spaces.
    ['dcs-7280sr-4.24-session-capture.txt', 'SSJ17491234'],
    // A MOTD carrying the replaced chassis' "Serial number:" line.
    ['dcs-7050sx3-4.29-motd-serial-session-capture.txt', 'JPE22141C7A'],
    // The pager prompt sits right before the serial line.
    ['ccs-720xp-4.27-show-version-paged.txt', 'JPE20110456'],
  ])('finds the serial in %s', (name, serial) => {
    expect(eosSerialFromVersion(fixture(name))).toBe(serial);
  });

  it.each(['dcs-7504n-4.22-show-version.txt', 'veos-4.26-show-version.txt'])(
    'reports nothing when the serial is empty (%s)',
    name => {
      // And never takes the next line's words for the serial.
      expect(eosSerialFromVersion(fixture(name))).toBeUndefined();
    },
  );
});

describe('EOS show version, as terminals deliver it', () => {
  it('skips a terminal status request sent before the output', () => {
    const output = [
      '\u001b[5nArista DCS-7050SX-64-R',
      'Hardware version:    01.11',
      'Serial number:       JPE15250345',
      'System MAC address:  444c.a8a1.9f58',
    ].join('\n');
    expect(eosSerialFromVersion(output)).toBe('JPE15250345');
  });
});

describe('EOS show inventory', () => {
  it.each([
    // Modular: the chassis, not a supervisor, linecard or fabric card.
    ['dcs-7504n-4.22-show-inventory-modular.txt', 'JAS17100043'],
    // Old release without column headers.
    ['dcs-7150s-4.13-show-inventory-legacy.txt', 'JPE13281122'],
    // Narrow terminal: each column printed as its own little table.
    ['dcs-7280cr3-4.30-show-inventory-narrow-terminal.txt', 'JPE21304417'],
    // Echo and prompt around it; not the power supply's serial.
    ['ccs-722xpm-4.31-show-inventory-session.txt', 'HBG23318842'],
    // Blanks squeezed out of the rows (as copied through some tools): the
    // whole serial, not the characters that happen to sit under the header.
    ['dcs-7280dr3a-4.31-show-inventory-squeezed.txt', 'FGN2401557K'],
  ])('finds the system serial in %s', (name, serial) => {
    expect(eosSerialFromInventory(fixture(name))).toBe(serial);
  });

  it('reports nothing when the system has no serial', () => {
    expect(
      eosSerialFromInventory(fixture('veos-4.26-show-inventory.txt')),
    ).toBeUndefined();
  });

  it('does not take a neighbouring column when the serial is blank', () => {
    const blank = fixture('ccs-722xpm-4.31-show-inventory-session.txt').replace(
      'HBG23318842',
      ' '.repeat('HBG23318842'.length),
    );
    expect(eosSerialFromInventory(blank)).toBeUndefined();
  });

  it('does not look past the System information section', () => {
    const onlySupervisors = fixture(
      'dcs-7504n-4.22-show-inventory-modular.txt',
    ).replace(/ {2}11\.01 {7}JAS17100043 .*\n/, '');
    expect(eosSerialFromInventory(onlySupervisors)).toBeUndefined();
  });
});
