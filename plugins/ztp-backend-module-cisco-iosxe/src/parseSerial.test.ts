import { parseCiscoInventory } from '@ztp-portal/backstage-plugin-ztp-node';
import { readFixture } from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import {
  iosXeInventoryHidesActiveMember,
  iosXeSerialFromInventory,
  iosXeSerialFromVersion,
} from './parseSerial';

const fixture = (name: string) => readFixture(__dirname, name);

describe('IOS XE show inventory', () => {
  it.each([
    // ISR: the chassis, not the route processor (R0) or a power supply.
    ['isr4451x-16.9-show-inventory.txt', 'FGL2231A0BX'],
    // A stack of three behind a banner about serial numbers and chassis.
    ['c9300-48p-stack-17.9-banner-serial-session-capture.txt', 'FOC2401Y2AB'],
    // Stack with pager residue: member 1, not member 2 or its PSUs.
    ['c9300-48p-stack-17.6-show-inventory-paged.txt', 'FOC2236Y1AB'],
    // Stack without a member 1: the stack entry (the active switch).
    ['c9300-24u-stack-no-member-1-show-inventory.txt', 'FCW2220G09V'],
    // 3850 on 3.6E, records glued together, tabs.
    ['c3850-48p-stack-3.6-show-inventory-glued.txt', 'FOC1831X0AB'],
    // Whole session: banner, prompt, command echo, CRLF.
    ['c8300-17.9-session-capture.txt', 'FDO2412M0KZ'],
    // Modular Catalyst 9400: the chassis, not a supervisor or line card.
    ['c9407r-17.3-show-inventory-modular.txt', 'FXS2231Q1AB'],
    // Active switch is member 2: the stack entry carries its serial.
    [
      'c9300-48uxm-stack-16.12-active-switch-2-show-inventory.txt',
      'FCW2243G1QR',
    ],
    // Active member 3, banner, echo, --More-- erased by backspaces, CRLF,
    // a blank SN field and the trailing prompt.
    [
      'ws-c3850-24p-stack-16.9-active-switch-3-session-capture.txt',
      'FOC2019U1EF',
    ],
    // Catalyst 4500-X / 4900: "Switch System", not the slot entries.
    ['ws-c4500x-32-3.11-show-inventory.txt', 'JAE20241A7K'],
    // Named after its product ID; slot 1 is named "1" and is no member.
    ['ws-c6506e-15.2-show-inventory-self-named.txt', 'SAL1529V2JQ'],
  ])('finds the chassis serial in %s', (name, serial) => {
    expect(iosXeSerialFromInventory(fixture(name))).toBe(serial);
  });

  it.each([
    // 4500-E VSS: the chassis are members; which is active is only in show
    // version.
    [
      'a 4500-E VSS',
      fixture('ws-c4507re-vss-3.8-show-inventory.txt'),
      'FXS2014Q0RB',
      true,
    ],
    // An entry named after its model is the device itself.
    [
      'an ME1200 named after its model',
      [
        'NAME: "ME1200", DESCR: "Network Interface Device"',
        'PID: ME1200-4S-A , VID: V01 , SN: RTC2219A0B1',
        'NAME: "Power Supply 1", DESCR: "ME1200 AC power supply"',
        'PID: PWR-ME1200-AC , VID: V01 , SN: LIT2219A0B2',
      ].join('\n'),
      'RTC2219A0B1',
      false,
    ],
    // No entry names the whole system: the lowest member.
    [
      'a StackWise Virtual pair',
      fixture('c9500-40x-svl-17.6-show-inventory.txt'),
      'FCW2240G0AB',
      true,
    ],
    [
      'a classic 3750-X stack',
      [
        'NAME: "1", DESCR: "WS-C3750X-48P"',
        'PID: WS-C3750X-48P-S  , VID: V05  , SN: FDO1733P1AB',
        'NAME: "2", DESCR: "WS-C3750X-48P"',
        'PID: WS-C3750X-48P-S  , VID: V05  , SN: FDO1733P2CD',
      ].join('\n'),
      'FDO1733P1AB',
      true,
    ],
  ])(
    'reads %s: its serial, and whether the active member is hidden',
    (_what, output, serial, hides) => {
      expect(iosXeSerialFromInventory(output)).toBe(serial);
      expect(iosXeInventoryHidesActiveMember(output)).toBe(hides);
    },
  );

  it('knows the active member from the stack entry', () => {
    expect(
      iosXeInventoryHidesActiveMember(
        fixture('c9300-48uxm-stack-16.12-active-switch-2-show-inventory.txt'),
      ),
    ).toBe(false);
    expect(
      iosXeInventoryHidesActiveMember(
        fixture('isr4451x-16.9-show-inventory.txt'),
      ),
    ).toBe(false);
  });

  it('finds no chassis when only parts are listed', () => {
    expect(
      iosXeSerialFromInventory(fixture('parts-only-show-inventory.txt')),
    ).toBeUndefined();
  });

  it('reads every record of a paged capture', () => {
    const entries = parseCiscoInventory(
      fixture('c9300-48p-stack-17.6-show-inventory-paged.txt'),
    );
    expect(entries).toHaveLength(13);
    expect(entries.find(e => e.name === 'Te1/1/1')).toEqual({
      name: 'Te1/1/1',
      description: 'SFP-10GBase-SR',
      pid: 'SFP-10G-SR',
      vid: 'V03',
      serial: 'AVD2234K1AB',
    });
  });

  it('splits records glued together', () => {
    const entries = parseCiscoInventory(
      fixture('c3850-48p-stack-3.6-show-inventory-glued.txt'),
    );
    expect(entries.map(e => [e.name, e.serial])).toEqual([
      ['c38xx Stack', 'FOC1831X0AB'],
      ['Switch 1', 'FOC1831X0AB'],
      ['Switch 1 - Power Supply A', 'DCB1832H0XY'],
      ['Switch 1 FRU Uplink Module 1', 'FOC18301ZZ1'],
      ['Gi1/1/1', 'FNS17420A1B'],
      ['Switch 2', 'FOC1832X1CD'],
    ]);
  });

  it('keeps entries without a serial, without inventing one', () => {
    const entries = parseCiscoInventory(
      fixture('isr4451x-16.9-show-inventory.txt'),
    );
    const fan = entries.find(e => e.name === 'Fan Tray');
    expect(fan?.pid).toBe('ACS-4450-FANASSY');
    expect(fan?.serial).toBeUndefined();
    // A description with a comma inside quotes stays whole.
    expect(entries[1].description).toBe(
      '450W AC Power Supply for Cisco ISR 4450, ISR 4350',
    );
  });

  it('ignores banners that mention inventory words', () => {
    const entries = parseCiscoInventory(
      fixture('c8300-17.9-session-capture.txt'),
    );
    expect(entries.map(e => e.name)).toEqual([
      'Chassis',
      'Power Supply Module 0',
      'Fan Tray',
      'module 0',
      'module R0',
    ]);
  });
});

describe('IOS XE show version', () => {
  it.each([
    ['c9500-40x-svl-17.6-show-version.txt', 'FCW2240G0AB'],
    ['csr1000v-16.12-show-version.txt', '9KXG7Q1M2ZD'],
    // Stack whose active switch is member 2, not member 1.
    ['c9200l-stack-17.3-active-switch-2-show-version.txt', 'JAE23310B2C'],
  ])('finds the processor board ID in %s', (name, serial) => {
    expect(iosXeSerialFromVersion(fixture(name))).toBe(serial);
  });

  it('falls back to the first System Serial Number', () => {
    const text = fixture('c9500-40x-svl-17.6-show-version.txt').replace(
      /Processor board ID \S+\n/,
      '',
    );
    expect(iosXeSerialFromVersion(text)).toBe('FCW2240G0AB');
  });

  it("falls back to the active switch's System Serial Number", () => {
    const text = fixture(
      'c9200l-stack-17.3-active-switch-2-show-version.txt',
    ).replace(/Processor board ID \S+\n/, '');
    expect(iosXeSerialFromVersion(text)).toBe('JAE23310B2C');
  });

  it('finds nothing in unrelated output', () => {
    expect(
      iosXeSerialFromVersion("% Invalid input detected at '^' marker."),
    ).toBeUndefined();
  });
});
