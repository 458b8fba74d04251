import { partSerial } from '../hardware';

/** One entry of "show inventory". */
export type InventoryItem = {
  name: string;
  descr: string;
  pid: string;
  vid: string;
  sn: string;
};

export type IosXeModel = {
  pid: string;
  kind: 'switch' | 'router';
  defaultHostname: string;
  /** Software image family, as "show version" names it. */
  imageName: string;
  softwareLine: string;
  processor: string;
  memoryKb: string;
  flashKb: string;
  stackMembers: number;
  ports: { gigabit: number; tenGigabit: number };
  inventory(serial: string): InventoryItem[];
  /** Per stack member: model, motherboard serial. */
  members(
    serial: string,
  ): Array<{ number: number; serial: string; motherboard: string }>;
};

function catalystStack(
  pid: string,
  stackName: string,
  psu: string,
  uplink: string | undefined,
  fan: string,
  members: number,
): Pick<IosXeModel, 'inventory' | 'members'> {
  const memberSerials = (serial: string) =>
    Array.from({ length: members }, (_, i) =>
      i === 0 ? serial : partSerial(serial, `member${i + 1}`, 'FOC', 11),
    );
  return {
    members: serial =>
      memberSerials(serial).map((s, i) => ({
        number: i + 1,
        serial: s,
        motherboard: partSerial(s, 'motherboard', 'FOC', 11),
      })),
    inventory: serial => {
      const serials = memberSerials(serial);
      const items: InventoryItem[] = [
        { name: stackName, descr: stackName, pid, vid: 'V02', sn: serial },
      ];
      serials.forEach((memberSerial, i) => {
        const n = i + 1;
        items.push({
          name: `Switch ${n}`,
          descr: pid,
          pid,
          vid: 'V02',
          sn: memberSerial,
        });
        items.push({
          name: `Switch ${n} - Power Supply A`,
          descr: `Switch ${n} - Power Supply A`,
          pid: psu,
          vid: 'V02',
          sn: partSerial(memberSerial, 'psu-a', 'LIT', 11),
        });
        for (let f = 1; f <= 3; f++) {
          items.push({
            name: `Switch ${n} - FAN - T1 ${f}`,
            descr: `Switch ${n} - FAN - T1 ${f}`,
            pid: fan,
            vid: 'V01',
            sn: '',
          });
        }
        if (uplink) {
          items.push({
            name: `Switch ${n} FRU Uplink Module 1`,
            descr: '8x10G Uplink Module',
            pid: uplink,
            vid: 'V01',
            sn: partSerial(memberSerial, 'uplink', 'FOC', 11),
          });
        }
      });
      return items;
    },
  };
}

function routerChassis(
  pid: string,
  descr: string,
  psu: string,
  fan: string,
  module0: string,
): Pick<IosXeModel, 'inventory' | 'members'> {
  return {
    members: serial => [
      {
        number: 1,
        serial,
        motherboard: partSerial(serial, 'motherboard', 'FDO', 11),
      },
    ],
    inventory: serial => [
      { name: 'Chassis', descr, pid, vid: 'V03', sn: serial },
      {
        name: 'Power Supply Module 0',
        descr: 'Cisco 400W AC Power Supply',
        pid: psu,
        vid: 'V01',
        sn: partSerial(serial, 'psu0', 'ART', 11),
      },
      {
        name: 'Fan Tray',
        descr: 'Cisco Fan Assembly',
        pid: fan,
        vid: '',
        sn: '',
      },
      {
        name: 'module 0',
        descr: `Cisco ${pid} Built-In NIM controller`,
        pid: module0,
        vid: '',
        sn: '',
      },
      {
        name: 'module R0',
        descr: `Cisco ${pid} Route Processor`,
        pid,
        vid: 'V03',
        sn: partSerial(serial, 'rp', 'FDO', 11),
      },
      {
        name: 'module F0',
        descr: `Cisco ${pid} Forwarding Processor`,
        pid,
        vid: '',
        sn: '',
      },
    ],
  };
}

const CAT9K_SOFTWARE =
  'Catalyst L3 Switch Software (CAT9K_IOSXE), Version 17.9.4a, RELEASE SOFTWARE (fc3)';

export const IOSXE_MODELS: Record<string, IosXeModel> = {
  'C9300-48P': {
    pid: 'C9300-48P',
    kind: 'switch',
    defaultHostname: 'Switch',
    imageName: 'CAT9K_IOSXE',
    softwareLine: CAT9K_SOFTWARE,
    processor: 'cisco C9300-48P (X86) processor',
    memoryKb: '1333273K/6147K',
    flashKb: '11264000',
    stackMembers: 2,
    ports: { gigabit: 96, tenGigabit: 16 },
    ...catalystStack(
      'C9300-48P',
      'c93xx Stack',
      'PWR-C1-715WAC-P',
      'C9300-NM-8X',
      'C9K-T1-FANTRAY',
      2,
    ),
  },
  'C9300-24T': {
    pid: 'C9300-24T',
    kind: 'switch',
    defaultHostname: 'Switch',
    imageName: 'CAT9K_IOSXE',
    softwareLine: CAT9K_SOFTWARE,
    processor: 'cisco C9300-24T (X86) processor',
    memoryKb: '1333273K/6147K',
    flashKb: '11264000',
    stackMembers: 1,
    ports: { gigabit: 24, tenGigabit: 8 },
    ...catalystStack(
      'C9300-24T',
      'c93xx Stack',
      'PWR-C1-350WAC-P',
      'C9300-NM-8X',
      'C9K-T1-FANTRAY',
      1,
    ),
  },
  'C9200L-24P-4G': {
    pid: 'C9200L-24P-4G',
    kind: 'switch',
    defaultHostname: 'Switch',
    imageName: 'CAT9K_LITE_IOSXE',
    softwareLine:
      'Catalyst L3 Switch Software (CAT9K_LITE_IOSXE), Version 17.9.4a, RELEASE SOFTWARE (fc3)',
    processor: 'cisco C9200L-24P-4G (ARM64) processor',
    memoryKb: '852809K/3071K',
    flashKb: '1598620',
    stackMembers: 1,
    ports: { gigabit: 28, tenGigabit: 0 },
    ...catalystStack(
      'C9200L-24P-4G',
      'c92xxL Stack',
      'PWR-C5-600WAC',
      undefined,
      'C9200L-FAN',
      1,
    ),
  },
  'C8300-1N1S-6T': {
    pid: 'C8300-1N1S-6T',
    kind: 'router',
    defaultHostname: 'Router',
    imageName: 'X86_64_LINUX_IOSD-UNIVERSALK9-M',
    softwareLine:
      'c8000be Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.4a, RELEASE SOFTWARE (fc3)',
    processor: 'cisco C8300-1N1S-6T (1RU) processor',
    memoryKb: '3747671K/6147K',
    flashKb: '7090175',
    stackMembers: 1,
    ports: { gigabit: 6, tenGigabit: 2 },
    ...routerChassis(
      'C8300-1N1S-6T',
      'Cisco C8300-1N1S-6T Chassis',
      'PWR-CC1-400WAC',
      'C8300-FAN-1R',
      'C8300-1N1S-6T',
    ),
  },
  'ISR4331/K9': {
    pid: 'ISR4331/K9',
    kind: 'router',
    defaultHostname: 'Router',
    imageName: 'X86_64_LINUX_IOSD-UNIVERSALK9-M',
    softwareLine:
      'ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 17.9.4a, RELEASE SOFTWARE (fc3)',
    processor: 'cisco ISR4331/K9 (1RU) processor',
    memoryKb: '1795999K/6147K',
    flashKb: '7341807',
    stackMembers: 1,
    ports: { gigabit: 3, tenGigabit: 0 },
    ...routerChassis(
      'ISR4331/K9',
      'Cisco ISR4331 Chassis',
      'PWR-4330-AC',
      'ACS-4330-FANASSY',
      'ISR4331-3x1GE',
    ),
  },
};
