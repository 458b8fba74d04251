import type { ConfigNode } from '../ciscoStyle/ConfigTree';
import { col, iosTime, uptimeSince } from '../hardware';
import type { DeviceFacts } from '../types';
import type { IosXeModel } from './models';

function formatUptime(bootedAt: Date, now: Date): string {
  const u = uptimeSince(bootedAt, now);
  const parts: string[] = [];
  if (u.weeks) parts.push(`${u.weeks} week${u.weeks === 1 ? '' : 's'}`);
  if (u.days) parts.push(`${u.days} day${u.days === 1 ? '' : 's'}`);
  if (u.hours) parts.push(`${u.hours} hour${u.hours === 1 ? '' : 's'}`);
  parts.push(`${u.minutes} minute${u.minutes === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function iosXeShowVersion(
  model: IosXeModel,
  facts: DeviceFacts,
  hostname: string,
  now = new Date(),
): string {
  const serial = facts.realSerial();
  const booted = facts.bootedAt();
  const uptime = formatUptime(booted, now);
  const lines = [
    `Cisco IOS XE Software, Version ${facts.softwareVersion ?? '17.09.04a'}`,
    `Cisco IOS Software [Cupertino], ${model.softwareLine}`,
    'Technical Support: http://www.cisco.com/techsupport',
    'Copyright (c) 1986-2023 by Cisco Systems, Inc.',
    'Compiled Fri 20-Oct-23 10:44 by mcpre',
    '',
    '',
    'Cisco IOS-XE software, Copyright (c) 2005-2023 by cisco Systems, Inc.',
    'All rights reserved.  Certain components of Cisco IOS-XE software are',
    'licensed under the GNU General Public License ("GPL") Version 2.0.  The',
    'software code licensed under GPL Version 2.0 is free software that comes',
    'with ABSOLUTELY NO WARRANTY.  You can redistribute and/or modify such',
    'GPL code under the terms of GPL Version 2.0.  For more details, see the',
    'documentation or "License Notice" file accompanying the IOS-XE software,',
    'or the applicable URL provided on the flyer accompanying the IOS-XE',
    'software.',
    '',
    '',
    'ROM: IOS-XE ROMMON',
    'BOOTLDR: System Bootstrap, Version 17.9.1r, RELEASE SOFTWARE (P)',
    '',
    `${hostname} uptime is ${uptime}`,
    `Uptime for this control processor is ${uptime}`,
    `System returned to ROM by Power Failure at ${iosTime(booted)}`,
    `System image file is "${
      model.kind === 'switch'
        ? 'flash:packages.conf'
        : 'bootflash:packages.conf'
    }"`,
    'Last reload reason: Power Failure',
    '',
    '',
    '',
    'This product contains cryptographic features and is subject to United',
    'States and local country laws governing import, export, transfer and',
    'use. Delivery of Cisco cryptographic products does not imply',
    'third-party authority to import, export, distribute or use encryption.',
    'Importers, exporters, distributors and users are responsible for',
    'compliance with U.S. and local country laws. By using this product you',
    'agree to comply with applicable laws and regulations. If you are unable',
    'to comply with U.S. and local laws, return this product immediately.',
    '',
    'A summary of U.S. laws governing Cisco cryptographic products may be found at:',
    'http://www.cisco.com/wwl/export/crypto/tool/stqrg.html',
    '',
    'If you require further assistance please contact us by sending email to',
    'export@cisco.com.',
    '',
    '',
    'Technology Package License Information: ',
    '',
    '------------------------------------------------------------------------------',
    'Technology-package                                     Technology-package',
    'Current                        Type                       Next reboot  ',
    '------------------------------------------------------------------------------',
    model.kind === 'switch'
      ? 'network-advantage      Smart License                    network-advantage   '
      : 'network-advantage      Smart License                    network-advantage   ',
    model.kind === 'switch'
      ? 'dna-advantage          Subscription Smart License       dna-advantage       '
      : 'dna-advantage          Subscription Smart License       dna-advantage       ',
    '',
    'The current throughput level is 250000 kbps ',
    '',
    '',
    'Smart Licensing Status: Registration Not Applicable/Not Applicable',
    '',
    `${model.processor} with ${model.memoryKb} bytes of memory.`,
    `Processor board ID ${serial}`,
  ];
  if (model.kind === 'router') {
    lines.push('Router operating mode: Autonomous');
  }
  if (model.ports.gigabit) {
    lines.push(`${model.ports.gigabit} Gigabit Ethernet interfaces`);
  }
  if (model.ports.tenGigabit) {
    lines.push(`${model.ports.tenGigabit} Ten Gigabit Ethernet interfaces`);
  }
  lines.push(
    '32768K bytes of non-volatile configuration memory.',
    '8388608K bytes of physical memory.',
    model.kind === 'switch'
      ? `${model.flashKb}K bytes of Flash at flash:.`
      : `${model.flashKb}K bytes of flash memory at bootflash:.`,
  );
  if (model.kind === 'switch') {
    const members = model.members(serial);
    const mac = facts.baseMac();
    lines.push(
      '1638400K bytes of Crash Files at crashinfo:.',
      '',
      `Base Ethernet MAC Address          : ${mac}`,
      `Motherboard Assembly Number        : 73-18785-05`,
      `Motherboard Serial Number          : ${members[0].motherboard}`,
      'Model Revision Number              : C0',
      'Motherboard Revision Number        : A0',
      `Model Number                       : ${model.pid}`,
      `System Serial Number               : ${serial}`,
      'CLEI Code Number                   : ',
      '',
      '',
      'Switch Ports Model              SW Version        SW Image              Mode   ',
      '------ ----- -----              ----------        ----------            ----   ',
      ...members.map(
        (m, i) =>
          `${i === 0 ? '*' : ' '}    ${m.number} ${col(
            String(Math.round(model.ports.gigabit / members.length) + 14),
            5,
          )} ${col(model.pid, 18)} ${col(
            facts.softwareVersion ?? '17.09.04a',
            17,
          )} ${col(model.imageName, 21)} INSTALL`,
      ),
    );
    for (const m of members.slice(1)) {
      lines.push(
        '',
        '',
        `Switch ${String(m.number).padStart(2, '0')}`,
        '---------',
        `Switch uptime                      : ${uptime}`,
        '',
        `Base Ethernet MAC Address          : ${mac.replace(/..$/, '80')}`,
        'Motherboard Assembly Number        : 73-18785-05',
        `Motherboard Serial Number          : ${m.motherboard}`,
        'Model Revision Number              : C0',
        'Motherboard Revision Number        : A0',
        `Model Number                       : ${model.pid}`,
        `System Serial Number               : ${m.serial}`,
        'CLEI Code Number                   : ',
      );
    }
  }
  lines.push(
    '',
    `Configuration register is ${model.kind === 'switch' ? '0x102' : '0x2102'}`,
    '',
  );
  return `${lines.join('\n')}\n`;
}

export function iosXeShowInventory(model: IosXeModel, serial: string): string {
  const blocks = model
    .inventory(serial)
    .map(
      item =>
        `NAME: "${item.name}", DESCR: "${item.descr}"\nPID: ${col(
          item.pid,
          18,
        )}, VID: ${col(item.vid, 5)}, SN: ${item.sn}`,
    );
  return `${blocks.join('\n\n')}\n\n\n`;
}

/** The configuration lines of a tree, IOS style: one-space indents and "!". */
export function renderIosConfigBody(root: ConfigNode): string[] {
  const out: string[] = [];
  const walk = (node: ConfigNode, depth: number) => {
    for (const child of node.children) {
      out.push(' '.repeat(depth) + child.line);
      walk(child, depth + 1);
      if (child.line.startsWith('address-family')) {
        out.push(`${' '.repeat(depth)}exit-address-family`);
      }
    }
  };
  let previousHadChildren = false;
  for (const child of root.children) {
    if (child.children.length || previousHadChildren) out.push('!');
    out.push(child.line);
    if (child.line.startsWith('vrf definition')) out.push(' !');
    walk(child, 1);
    previousHadChildren = child.children.length > 0;
  }
  return out;
}

/** The configuration as a file: what "copy running-config flash:" saves. */
export function iosXeConfigFile(root: ConfigNode): string[] {
  const hasVersion = root.children.some(c => c.line.startsWith('version '));
  return [
    '!',
    ...(hasVersion ? [] : ['version 17.9']),
    ...renderIosConfigBody(root),
    '!',
    'end',
  ];
}

export function iosXeRunningConfig(
  root: ConfigNode,
  lastChange: { at: Date; by: string } | undefined,
): string {
  const body = iosXeConfigFile(root);
  const text = `${body.join('\n')}\n`;
  const header = [
    'Building configuration...',
    '',
    `Current configuration : ${Buffer.byteLength(text)} bytes`,
  ];
  if (lastChange) {
    header.push(
      '!',
      `! Last configuration change at ${iosTime(lastChange.at)} by ${
        lastChange.by
      }`,
    );
  }
  return `${header.join('\n')}\n${text}`;
}
