import { partSerial } from '../hardware';

export type NxosInventoryItem = {
  name: string;
  desc: string;
  productid: string;
  vendorid: string;
  serialnum: string;
};

export type NxosModel = {
  pid: string;
  chassis: string;
  cpu: string;
  memoryKb: number;
  bootflashKb: number;
  inventory(serial: string): NxosInventoryItem[];
};

function fixedNexus(
  pid: string,
  short: string,
  slotDescr: string,
  psuPid: string,
  fanPid: string,
  fans: number,
  cpu: string,
  memoryKb: number,
): NxosModel {
  const chassis = `Nexus9000 ${short} Chassis`;
  return {
    pid,
    chassis,
    cpu,
    memoryKb,
    bootflashKb: 115805708,
    inventory: serial => [
      {
        name: 'Chassis',
        desc: chassis,
        productid: pid,
        vendorid: 'V04',
        serialnum: serial,
      },
      // Fixed switches report their supervisor slot with the chassis serial.
      {
        name: 'Slot 1',
        desc: slotDescr,
        productid: pid,
        vendorid: 'V04',
        serialnum: serial,
      },
      ...[1, 2].map(n => ({
        name: `Power Supply ${n}`,
        desc: `${chassis} Power Supply`,
        productid: psuPid,
        vendorid: 'V01',
        serialnum: partSerial(serial, `psu${n}`, 'LIT', 11),
      })),
      ...Array.from({ length: fans }, (_, i) => ({
        name: `Fan ${i + 1}`,
        desc: `${chassis} Fan Module`,
        productid: fanPid,
        vendorid: 'V01',
        serialnum: 'N/A',
      })),
    ],
  };
}

export const NXOS_MODELS: Record<string, NxosModel> = {
  'N9K-C93180YC-FX': fixedNexus(
    'N9K-C93180YC-FX',
    'C93180YC-FX',
    '48x10/25G/32G + 6x40/100G Ethernet/FC Module',
    'NXA-PAC-500W-PE',
    'NXA-FAN-30CFM-B',
    4,
    'Intel(R) Xeon(R) CPU D-1528 @ 1.90GHz',
    24569356,
  ),
  'N9K-C9336C-FX2': fixedNexus(
    'N9K-C9336C-FX2',
    'C9336C-FX2',
    '36x40/100G Ethernet Module',
    'NXA-PAC-1100W-PE2',
    'NXA-FAN-30CFM-F',
    6,
    'Intel(R) Xeon(R) CPU D-1526 @ 1.80GHz',
    24571332,
  ),
  'N9K-C9364C': fixedNexus(
    'N9K-C9364C',
    'C9364C',
    '64x40/100G QSFP28 + 2x1/10G SFP+ Ethernet Module',
    'N9K-PAC-1200W',
    'NXA-FAN-160CFM2-PE',
    4,
    'Intel(R) Xeon(R) CPU D-1530 @ 2.40GHz',
    32734432,
  ),
};
