import { createHash } from 'node:crypto';
import type { ConfigNode } from '../ciscoStyle/ConfigTree';
import { col, macDotted, uptimeSince } from '../hardware';
import type { DeviceFacts } from '../types';
import { type EosModel, eosPowerSupplies, eosTransceivers } from './models';

export const EOS_VERSION = '4.31.2F';
const INTERNAL_VERSION = `${EOS_VERSION}-35442176.4312F`;

function buildId(serial: string): string {
  const h = createHash('sha1').update(`build/${serial}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(
    16,
    20,
  )}-${h.slice(20, 32)}`;
}

function eosUptime(bootedAt: Date): string {
  const u = uptimeSince(bootedAt);
  return `${u.weeks} weeks, ${u.days} days, ${u.hours} hours and ${u.minutes} minutes`;
}

export function eosShowVersion(model: EosModel, facts: DeviceFacts): string {
  const mac = macDotted(facts.baseMac());
  const free = Math.round(model.memTotalKb * 0.62);
  return `Arista ${model.sku}
Hardware version: ${model.hardwareVersion}
Serial number: ${facts.realSerial()}
Hardware MAC address: ${mac}
System MAC address: ${mac}

Software image version: ${facts.softwareVersion ?? EOS_VERSION}
Architecture: ${model.architecture}
Internal build version: ${INTERNAL_VERSION}
Internal build ID: ${buildId(facts.realSerial())}
Image format version: 3.0
Image optimization: ${model.imageOptimization}

Uptime: ${eosUptime(facts.bootedAt())}
Total memory: ${model.memTotalKb} kB
Free memory: ${free} kB

`;
}

export function eosShowVersionJson(
  model: EosModel,
  facts: DeviceFacts,
): string {
  const booted = facts.bootedAt();
  return `${JSON.stringify(
    {
      mfgName: 'Arista',
      modelName: model.sku,
      hardwareRevision: model.hardwareVersion,
      serialNumber: facts.realSerial(),
      systemMacAddress: facts.baseMac(),
      hwMacAddress: facts.baseMac(),
      configMacAddress: '00:00:00:00:00:00',
      version: facts.softwareVersion ?? EOS_VERSION,
      architecture: model.architecture,
      internalVersion: INTERNAL_VERSION,
      internalBuildId: buildId(facts.realSerial()),
      imageFormatVersion: '3.0',
      imageOptimization: model.imageOptimization,
      bootupTimestamp: booted.getTime() / 1000,
      uptime: (Date.now() - booted.getTime()) / 1000,
      memTotal: model.memTotalKb,
      memFree: Math.round(model.memTotalKb * 0.62),
      isIntlVersion: false,
    },
    null,
    4,
  )}\n`;
}

export function eosShowInventory(model: EosModel, serial: string): string {
  const lines = [
    'System information',
    '  Model                    Description',
    '  ------------------------ ----------------------------------------------------',
    `  ${col(model.sku, 24)} ${model.description}`,
    '',
    '  HW Version  Serial Number  Mfg Date   Epoch',
    '  ----------- -------------- ---------- -----',
    `  ${col(model.hardwareVersion, 11)} ${col(serial, 14)} ${
      model.mfgDate
    } 01.00`,
    '',
    `System has ${model.psu.slots} power supply slots`,
    '  Slot Model            Serial Number',
    '  ---- ---------------- ----------------',
    ...eosPowerSupplies(model, serial).map(
      p => `  ${col(String(p.slot), 4)} ${col(p.model, 16)} ${p.serial}`,
    ),
    '',
    `System has ${model.fan.modules} fan modules`,
    '  Module  Number of Fans  Model            Serial Number',
    '  ------- --------------- ---------------- ----------------',
    ...Array.from(
      { length: model.fan.modules },
      (_, i) =>
        `  ${col(String(i + 1), 7)} ${col('1', 15)} ${col(
          model.fan.model,
          16,
        )} N/A`,
    ),
    '',
    `System has ${model.ports.reduce((n, p) => n + p.count, 0)} ports`,
    '  Type             Count',
    '  ---------------- ----',
    ...model.ports.map(p => `  ${col(p.type, 16)} ${p.count}`),
    '',
  ];
  const xcvrs = eosTransceivers(model, serial);
  if (xcvrs.length) {
    lines.push(
      `System has ${model.ports
        .filter(p => p.type !== 'Management' && p.type !== 'Ethernet')
        .reduce((n, p) => n + p.count, 0)} transceiver slots`,
      '  Port Manufacturer     Model            Serial Number    Rev',
      '  ---- ---------------- ---------------- ---------------- ----',
      ...xcvrs.map(
        x =>
          `  ${col(String(x.port), 4)} ${col(x.manufacturer, 16)} ${col(
            x.model,
            16,
          )} ${col(x.serial, 16)} ${x.rev}`,
      ),
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function eosShowInventoryJson(model: EosModel, serial: string): string {
  return `${JSON.stringify(
    {
      systemInformation: {
        name: model.sku,
        description: model.description,
        mfgName: 'Arista',
        hardwareRev: model.hardwareVersion,
        serialNum: serial,
        mfgDate: model.mfgDate,
        hwEpoch: '01.00',
      },
      powerSupplySlots: Object.fromEntries(
        eosPowerSupplies(model, serial).map(p => [
          String(p.slot),
          { name: p.model, serialNum: p.serial },
        ]),
      ),
      fanTraySlots: Object.fromEntries(
        Array.from({ length: model.fan.modules }, (_, i) => [
          String(i + 1),
          { name: model.fan.model, serialNum: 'N/A', numFans: 1 },
        ]),
      ),
      portCount: model.ports.reduce((n, p) => n + p.count, 0),
      xcvrSlots: Object.fromEntries(
        eosTransceivers(model, serial).map(x => [
          String(x.port),
          {
            mfgName: x.manufacturer,
            modelName: x.model,
            serialNum: x.serial,
            hardwareRev: x.rev,
          },
        ]),
      ),
      cardSlots: {},
    },
    null,
    4,
  )}\n`;
}

/** Configuration lines EOS style: three-space indents, "!" between blocks. */
export function renderEosConfigBody(root: ConfigNode): string[] {
  const out: string[] = [];
  const walk = (node: ConfigNode, depth: number) => {
    for (const child of node.children) {
      out.push('   '.repeat(depth) + child.line);
      walk(child, depth + 1);
    }
  };
  for (const child of root.children) {
    if (child.children.length && out[out.length - 1] !== '!') out.push('!');
    out.push(child.line);
    walk(child, 1);
    if (child.children.length) out.push('!');
  }
  if (out[out.length - 1] !== '!') out.push('!');
  return out;
}

export function eosRunningConfig(
  root: ConfigNode,
  hostname: string,
  model: EosModel,
  title = 'show running-config',
): string {
  return `${[
    `! Command: ${title}`,
    `! device: ${hostname} (${model.sku}, EOS-${EOS_VERSION})`,
    '!',
    `! boot system flash:/EOS-${EOS_VERSION}.swi`,
    '!',
    ...renderEosConfigBody(root),
    'end',
  ].join('\n')}\n`;
}

/** The configuration text diffs compare (no volatile header lines). */
export function eosConfigLines(root: ConfigNode): string[] {
  return [...renderEosConfigBody(root), 'end'];
}
