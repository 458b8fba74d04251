import { partSerial } from '../hardware';

/** One line of "show chassis hardware"; level 0 modules hold sub-modules. */
export type HardwareItem = {
  name: string;
  version: string;
  partNumber: string;
  serial: string;
  description: string;
  children?: HardwareItem[];
};

export type JunosModel = {
  name: string;
  /** Lower-case model as "show version" prints it. */
  modelLine: string;
  /** Whether "show version" is grouped per member (Virtual Chassis). */
  virtualChassis: boolean;
  pfePackage: string;
  /** The out-of-band management port: fxp0 on MX/SRX, em0 on QFX, me0 on EX. */
  managementPort: string;
  hardware(serial: string): HardwareItem[];
};

const psus = (
  serial: string,
  count: number,
  part: string,
  prefix: string,
  description: string,
): HardwareItem[] =>
  Array.from({ length: count }, (_, i) => ({
    name: `Power Supply ${i}`,
    version: 'REV 03',
    partNumber: part,
    serial: partSerial(serial, `pem${i}`, prefix, 11),
    description,
  }));

const fans = (count: number, description: string): HardwareItem[] =>
  Array.from({ length: count }, (_, i) => ({
    name: `Fan Tray ${i}`,
    version: '',
    partNumber: '',
    serial: '',
    description,
  }));

export const JUNOS_MODELS: Record<string, JunosModel> = {
  'QFX5120-48Y-8C': {
    name: 'QFX5120-48Y-8C',
    managementPort: 'em0',
    modelLine: 'qfx5120-48y-8c',
    virtualChassis: false,
    pfePackage: 'JUNOS Packet Forwarding Engine Support (qfx-ms-fx)',
    hardware: serial => [
      {
        name: 'Pseudo CB 0',
        version: '',
        partNumber: '',
        serial: '',
        description: '',
      },
      {
        name: 'Routing Engine 0',
        version: '',
        partNumber: 'BUILTIN',
        serial: 'BUILTIN',
        description: 'QFX Routing Engine',
      },
      {
        // On fixed QFX switches the FPC carries the chassis serial.
        name: 'FPC 0',
        version: 'REV 14',
        partNumber: '650-084062',
        serial,
        description: 'QFX5120-48Y-8C',
        children: [
          {
            name: 'CPU',
            version: '',
            partNumber: 'BUILTIN',
            serial: 'BUILTIN',
            description: 'FPC CPU',
          },
          {
            name: 'PIC 0',
            version: '',
            partNumber: 'BUILTIN',
            serial: 'BUILTIN',
            description: '48x10/25-SFP28 + 8x100G-QSFP28',
            children: [
              {
                name: 'Xcvr 48',
                version: 'REV 01',
                partNumber: '740-058734',
                serial: partSerial(serial, 'xcvr48', '1ACQ', 12),
                description: 'QSFP-100GBASE-SR4',
              },
              {
                name: 'Xcvr 49',
                version: 'REV 01',
                partNumber: '740-058734',
                serial: partSerial(serial, 'xcvr49', '1ACQ', 12),
                description: 'QSFP-100GBASE-SR4',
              },
            ],
          },
        ],
      },
      ...psus(serial, 2, '740-073765', '1GA2', 'JPSU-650W-AC-AFO'),
      ...fans(6, 'QFX5110 Fan Module, Airflow Out (AFO)'),
    ],
  },
  'EX4300-48T': {
    name: 'EX4300-48T',
    managementPort: 'me0',
    modelLine: 'ex4300-48t',
    virtualChassis: true,
    pfePackage: 'JUNOS EX  Software Suite',
    hardware: serial => {
      const board = partSerial(serial, 'fpc0', 'PE', 12);
      return [
        {
          name: 'Routing Engine 0',
          version: 'REV 08',
          partNumber: '650-044931',
          serial: board,
          description: 'EX4300-48T',
        },
        {
          name: 'FPC 0',
          version: 'REV 08',
          partNumber: '650-044931',
          serial: board,
          description: 'EX4300-48T',
          children: [
            {
              name: 'CPU',
              version: '',
              partNumber: 'BUILTIN',
              serial: 'BUILTIN',
              description: 'FPC CPU',
            },
            {
              name: 'PIC 0',
              version: 'REV 08',
              partNumber: 'BUILTIN',
              serial: 'BUILTIN',
              description: '48x10/100/1000 Base-T',
            },
            {
              name: 'PIC 1',
              version: 'REV 07',
              partNumber: '611-044925',
              serial: partSerial(serial, 'pic1', 'MY', 12),
              description: '4x40G QSFP',
            },
          ],
        },
        {
          name: 'Power Supply 0',
          version: 'REV 04',
          partNumber: '740-046873',
          serial: partSerial(serial, 'pem0', '1EDE', 11),
          description: 'JPSU-350-AC-AFO-A',
        },
        ...fans(2, 'Fan Module, Airflow Out (AFO)'),
      ];
    },
  },
  MX204: {
    name: 'JNP204 [MX204]',
    managementPort: 'fxp0',
    modelLine: 'mx204',
    virtualChassis: false,
    pfePackage: 'JUNOS Packet Forwarding Engine Support (MX/EX92XX Common)',
    hardware: serial => {
      const midplane = partSerial(serial, 'midplane', 'ACNW', 8);
      return [
        {
          name: 'Midplane',
          version: 'REV 28',
          partNumber: '750-070866',
          serial: midplane,
          description: 'Midplane 204',
        },
        {
          name: 'Routing Engine 0',
          version: '',
          partNumber: 'BUILTIN',
          serial: 'BUILTIN',
          description: 'RE-S-1600x8',
        },
        {
          name: 'CB 0',
          version: 'REV 26',
          partNumber: '750-070866',
          serial: midplane,
          description: 'Control Board',
        },
        {
          name: 'FPC 0',
          version: '',
          partNumber: 'BUILTIN',
          serial: 'BUILTIN',
          description: 'MPC-4x100G-8x10G',
          children: [
            {
              name: 'PIC 0',
              version: '',
              partNumber: 'BUILTIN',
              serial: 'BUILTIN',
              description: '4XQSFP28 PIC',
            },
            {
              name: 'PIC 1',
              version: '',
              partNumber: 'BUILTIN',
              serial: 'BUILTIN',
              description: '8XSFPP PIC',
            },
          ],
        },
        ...psus(serial, 2, '740-069994', '1F18', 'JPSU-650W-AC-AO'),
        ...fans(3, 'Fan Tray, Front to Back Airflow - AFO'),
      ];
    },
  },
  SRX345: {
    name: 'SRX345',
    managementPort: 'fxp0',
    modelLine: 'srx345',
    virtualChassis: false,
    pfePackage: 'JUNOS Packet Forwarding Engine Support (SRX3XX)',
    hardware: serial => [
      {
        name: 'Routing Engine',
        version: 'REV 0x10',
        partNumber: '650-066041',
        serial: partSerial(serial, 're', 'CZ', 12),
        description: 'RE-SRX345',
      },
      {
        name: 'FPC 0',
        version: '',
        partNumber: '',
        serial: '',
        description: 'FPC',
        children: [
          {
            name: 'PIC 0',
            version: '',
            partNumber: 'BUILTIN',
            serial: 'BUILTIN',
            description: '8xGE,8xGE SFP Base PIC',
          },
        ],
      },
      {
        name: 'Power Supply 0',
        version: 'REV 01',
        partNumber: '640-060603',
        serial: partSerial(serial, 'pem0', 'JN', 12),
        description: 'PS 1.2-1.8A, 100-240V AC in, 12V DC out',
      },
    ],
  },
  SRX4100: {
    name: 'SRX4100',
    managementPort: 'fxp0',
    modelLine: 'srx4100',
    virtualChassis: false,
    pfePackage: 'JUNOS Packet Forwarding Engine Support (SRX4100)',
    hardware: serial => [
      {
        name: 'Routing Engine 0',
        version: 'REV 05',
        partNumber: '750-085442',
        serial: partSerial(serial, 're', 'CAKR', 8),
        description: 'SRX Routing Engine',
      },
      {
        name: 'FPC 0',
        version: 'REV 07',
        partNumber: '750-085415',
        serial: partSerial(serial, 'fpc0', 'CAKS', 8),
        description: 'FEB',
        children: [
          {
            name: 'PIC 0',
            version: '',
            partNumber: 'BUILTIN',
            serial: 'BUILTIN',
            description: '8x10G-SFP',
          },
        ],
      },
      ...psus(serial, 2, '740-058359', '1EDB', 'JPSU-650W-AC-AFO'),
    ],
  },
};
