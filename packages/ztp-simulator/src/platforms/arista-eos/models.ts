import { partSerial } from '../hardware';

export type EosModel = {
  sku: string;
  description: string;
  hardwareVersion: string;
  architecture: string;
  imageOptimization: string;
  memTotalKb: number;
  mfgDate: string;
  psu: { model: string; slots: number };
  fan: { model: string; modules: number };
  ports: Array<{ type: string; count: number }>;
};

export const EOS_MODELS: Record<string, EosModel> = {
  'DCS-7050SX3-48YC8': {
    sku: 'DCS-7050SX3-48YC8',
    description: '48x25G SFP & 8x100G QSFP Switch',
    hardwareVersion: '11.01',
    architecture: 'i686',
    imageOptimization: 'Strata-4GB',
    memTotalKb: 8098984,
    mfgDate: '2020-06-02',
    psu: { model: 'PWR-511-AC-RED', slots: 2 },
    fan: { model: 'FAN-7000-F', modules: 4 },
    ports: [
      { type: 'Management', count: 1 },
      { type: 'QSFP28', count: 8 },
      { type: 'SFP28', count: 48 },
    ],
  },
  'DCS-7280SR-48C6': {
    sku: 'DCS-7280SR-48C6',
    description: '48x10GbE SFP+ & 6x100GbE QSFP100 switch',
    hardwareVersion: '12.10',
    architecture: 'i686',
    imageOptimization: 'Sand-4GB',
    memTotalKb: 32458980,
    mfgDate: '2019-11-14',
    psu: { model: 'PWR-1011-AC-RED', slots: 2 },
    fan: { model: 'FAN-7002H-RED', modules: 4 },
    ports: [
      { type: 'Management', count: 1 },
      { type: 'QSFP100', count: 6 },
      { type: 'SFP+', count: 48 },
    ],
  },
  'CCS-720XP-48ZC2': {
    sku: 'CCS-720XP-48ZC2',
    description: '48x2.5GbE PoE & 4x25G SFP & 2x100G QSFP Switch',
    hardwareVersion: '10.50',
    architecture: 'i686',
    imageOptimization: 'Strata-4GB',
    memTotalKb: 3982784,
    mfgDate: '2021-05-03',
    psu: { model: 'PWR-1900AC-F', slots: 2 },
    fan: { model: 'FAN-720XP', modules: 3 },
    ports: [
      { type: 'Management', count: 1 },
      { type: 'QSFP28', count: 2 },
      { type: 'SFP28', count: 4 },
      { type: 'Ethernet', count: 48 },
    ],
  },
  'DCS-7010TX-48': {
    sku: 'DCS-7010TX-48',
    description: '48x1GbE & 4x10G SFP+ switch',
    hardwareVersion: '11.00',
    architecture: 'i686',
    imageOptimization: 'None',
    memTotalKb: 3990692,
    mfgDate: '2019-02-20',
    psu: { model: 'PWR-460AC-F', slots: 2 },
    fan: { model: 'FAN-7000-F', modules: 4 },
    ports: [
      { type: 'Management', count: 1 },
      { type: 'SFP+', count: 4 },
      { type: 'Ethernet', count: 48 },
    ],
  },
};

export function eosPowerSupplies(model: EosModel, serial: string) {
  return Array.from({ length: model.psu.slots }, (_, i) => ({
    slot: i + 1,
    model: model.psu.model,
    serial: partSerial(serial, `psu${i + 1}`, 'EEWT', 11),
  }));
}

export function eosTransceivers(model: EosModel, serial: string) {
  const uplinks = model.ports.find(p => p.type.startsWith('QSFP'));
  if (!uplinks) return [];
  const first = model.ports
    .filter(p => p.type !== 'Management' && !p.type.startsWith('QSFP'))
    .reduce((n, p) => n + p.count, 1);
  return [0, 1].map(i => ({
    port: first + i,
    manufacturer: 'Arista Networks',
    model: 'QSFP-100G-SR4',
    serial: partSerial(serial, `xcvr${i}`, 'XKS', 12),
    rev: '0020',
  }));
}
