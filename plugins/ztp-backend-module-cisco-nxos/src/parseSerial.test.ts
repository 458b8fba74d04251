import { parseCiscoInventory } from '@ztp-portal/backstage-plugin-ztp-node';
import { readFixture } from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import { nxosSerialFromInventory, nxosSerialFromVersion } from './parseSerial';

const fixture = (name: string) => readFixture(__dirname, name);

describe('NX-OS show inventory', () => {
  it.each([
    // Fixed 9300 with unquoted transceiver records.
    ['n9k-c93180yc-ex-9.3-show-inventory.txt', 'FDO23140QKB'],
    // A banner that speaks of the chassis serial, echo, pager prompt.
    ['n9k-c93180yc-fx-10.2-banner-serial-session-capture.txt', 'FDO24450B1C'],
    // Modular 9508: not a line card, fabric module or supervisor.
    ['n9k-c9508-9.3-show-inventory-modular.txt', 'FGE20370ABC'],
    // Raw capture: echo, CRLF, tabs, reverse-video pager prompt.
    ['n3k-c3064pq-7.0-session-capture.txt', 'FOC17124ABC'],
    // 9000v prints records without blank lines between them.
    ['n9k-c9300v-10.2-show-inventory-compact.txt', '9MZ5QK2RT1A'],
    ['n5k-c5548up-7.3-show-inventory.txt', 'SSI16290ABC'],
    // Nexus 7009 with two supervisors: trailing blanks inside and after
    // the quotes, an ANSI pager prompt, echo and prompt.
    ['n7k-c7009-8.3-session-capture.txt', 'JAF1705BQRT'],
    // Nexus 7700: the command echoed, padded fields, supervisors after line cards.
    ['n77-c7710-8.4-show-inventory-echoed.txt', 'JAF1833AXYZ'],
  ])('finds the chassis serial in %s', (name, serial) => {
    expect(nxosSerialFromInventory(fixture(name))).toBe(serial);
  });

  it('reads every N7K record, supervisors and power supplies included', () => {
    const entries = parseCiscoInventory(
      fixture('n7k-c7009-8.3-session-capture.txt'),
    );
    expect(entries.map(e => [e.name, e.pid, e.serial])).toEqual([
      ['Chassis', 'N7K-C7009', 'JAF1705BQRT'],
      ['Slot 1', 'N7K-SUP2', 'JAF1709CHTA'],
      ['Slot 2', 'N7K-SUP2', 'JAF1709CHQB'],
      ['Slot 3', 'N7K-F248XP-25E', 'JAF1718BBNC'],
      ['Slot 33', 'N7K-AC-6.0KW', 'DTM171411RC'],
      ['Slot 35', 'N7K-C7009-FAN', 'JAF1703BFCF'],
    ]);
  });

  it('parses unquoted transceiver names', () => {
    const entries = parseCiscoInventory(
      fixture('n9k-c93180yc-ex-9.3-show-inventory.txt'),
    );
    expect(entries.find(e => e.name === 'Ethernet1/49')).toEqual({
      name: 'Ethernet1/49',
      description: 'CISCO-FINISAR',
      pid: 'QSFP-100G-SR4-S',
      vid: 'V03',
      serial: 'FNS22410AB1',
    });
    expect(entries.filter(e => e.name.startsWith('Fan'))).toHaveLength(4);
  });

  it('keeps every record across the pager prompt', () => {
    const entries = parseCiscoInventory(
      fixture('n3k-c3064pq-7.0-session-capture.txt'),
    );
    expect(entries.map(e => e.name)).toEqual([
      'Chassis',
      'Slot 1',
      'Power Supply 1',
      'Fan 1',
    ]);
  });

  it('finds no chassis without a "Chassis" record', () => {
    const text = fixture('n9k-c9508-9.3-show-inventory-modular.txt').replace(
      /NAME: "Chassis".*\n.*\n/,
      '',
    );
    expect(nxosSerialFromInventory(text)).toBeUndefined();
  });
});

describe('NX-OS show version', () => {
  it('reads the processor board ID (the supervisor on modular systems)', () => {
    expect(
      nxosSerialFromVersion(fixture('n9k-c9508-9.3-show-version.txt')),
    ).toBe('FOC23421SUP');
  });
});
