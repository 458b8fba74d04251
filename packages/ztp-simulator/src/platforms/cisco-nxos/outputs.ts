import type { ConfigNode } from '../ciscoStyle/ConfigTree';
import { col, unixTime, uptimeSince } from '../hardware';
import type { DeviceFacts } from '../types';
import type { NxosModel } from './models';

const NXOS_VERSION = '10.3(4a)';
const BIOS_VERSION = '05.47';

export function nxosShowVersion(
  model: NxosModel,
  facts: DeviceFacts,
  hostname: string,
): string {
  const u = uptimeSince(facts.bootedAt());
  return `Cisco Nexus Operating System (NX-OS) Software
TAC support: http://www.cisco.com/tac
Documents: http://www.cisco.com/en/US/products/ps9372/tsd_products_support_series_home.html
Copyright (c) 2002-2023, Cisco Systems, Inc. All rights reserved.
The copyrights to certain works contained herein are owned by
other third parties and are used and distributed under license.
Some parts of this software are covered under the GNU Public
License. A copy of the license is available at
http://www.gnu.org/licenses/gpl.html.

Nexus 9000 Series Switch

Software
  BIOS: version ${BIOS_VERSION}
  NXOS: version ${facts.softwareVersion ?? NXOS_VERSION} [Maintenance Release]
  BIOS compile time:  04/21/2022
  NXOS image file is: bootflash:///nxos64-cs.10.3.4a.M.bin
  NXOS compile time:  9/29/2023 12:00:00 [09/30/2023 03:11:42]


Hardware
  cisco ${model.chassis} 
  ${model.cpu} with ${model.memoryKb} kB of memory.
  Processor Board ID ${facts.realSerial()}

  Device name: ${hostname}
  bootflash:  ${model.bootflashKb} kB

Kernel uptime is ${u.totalDays} day(s), ${u.hours} hour(s), ${
    u.minutes
  } minute(s), ${u.seconds} second(s)

Last reset at ${unixTime(facts.bootedAt())}
  Reason: Reset Requested due to Power Cycle
  System version: ${facts.softwareVersion ?? NXOS_VERSION}
  Service: 

plugin
  Core Plugin, Ethernet Plugin

Active Package(s):
	
`;
}

export function nxosShowVersionJson(
  model: NxosModel,
  facts: DeviceFacts,
  hostname: string,
): string {
  const u = uptimeSince(facts.bootedAt());
  return `${JSON.stringify(
    {
      header_str:
        'Cisco Nexus Operating System (NX-OS) Software\nTAC support: http://www.cisco.com/tac\nCopyright (c) 2002-2023, Cisco Systems, Inc. All rights reserved.',
      bios_ver_str: BIOS_VERSION,
      kickstart_ver_str: facts.softwareVersion ?? NXOS_VERSION,
      nxos_ver_str: facts.softwareVersion ?? NXOS_VERSION,
      bios_cmpl_time: '04/21/2022',
      kick_file_name: 'bootflash:///nxos64-cs.10.3.4a.M.bin',
      nxos_file_name: 'bootflash:///nxos64-cs.10.3.4a.M.bin',
      kick_cmpl_time: '9/29/2023 12:00:00',
      nxos_cmpl_time: '9/29/2023 12:00:00',
      kick_tmstmp: '09/30/2023 03:11:42',
      nxos_tmstmp: '09/30/2023 03:11:42',
      chassis_id: model.chassis,
      cpu_name: model.cpu.replace(/ with.*/, ''),
      memory: model.memoryKb,
      mem_type: 'kB',
      proc_board_id: facts.realSerial(),
      host_name: hostname,
      bootflash_size: model.bootflashKb,
      kern_uptm_days: u.totalDays,
      kern_uptm_hrs: u.hours,
      kern_uptm_mins: u.minutes,
      kern_uptm_secs: u.seconds,
      rr_reason: 'Reset Requested due to Power Cycle',
      rr_sys_ver: NXOS_VERSION,
      rr_service: null,
      plugins: 'Core Plugin, Ethernet Plugin',
      manufacturer: 'Cisco Systems, Inc.',
    },
    null,
    2,
  )}\n`;
}

export function nxosShowInventory(model: NxosModel, serial: string): string {
  const blocks = model
    .inventory(serial)
    .map(
      item =>
        `${col(`NAME: "${item.name}",  DESCR: "${item.desc}"`, 72)}\nPID: ${col(
          item.productid,
          20,
        )},  VID: ${col(item.vendorid, 4)},  SN: ${col(item.serialnum, 20)}`,
    );
  return `${blocks.join('\n\n')}\n\n`;
}

export function nxosShowInventoryJson(
  model: NxosModel,
  serial: string,
): string {
  return `${JSON.stringify(
    { TABLE_inv: { ROW_inv: model.inventory(serial) } },
    null,
    2,
  )}\n`;
}

/** Configuration lines NX-OS style: two-space indents, blank lines between blocks. */
export function renderNxosConfigBody(root: ConfigNode): string[] {
  const out: string[] = [];
  const walk = (node: ConfigNode, depth: number) => {
    for (const child of node.children) {
      out.push('  '.repeat(depth) + child.line);
      walk(child, depth + 1);
    }
  };
  for (const child of root.children) {
    if (child.children.length) out.push('');
    out.push(child.line);
    walk(child, 1);
  }
  return out;
}

export function nxosRunningConfig(
  root: ConfigNode,
  lastChange: Date | undefined,
  title = 'show running-config',
): string {
  const header = ['', `!Command: ${title}`];
  if (lastChange) {
    header.push(`!Running configuration last done at: ${unixTime(lastChange)}`);
  }
  header.push(`!Time: ${unixTime(new Date())}`, '');
  const body = [
    `version ${NXOS_VERSION} Bios:version ${BIOS_VERSION} `,
    ...renderNxosConfigBody(root),
  ];
  return `${[...header, ...body].join('\n')}\n\n`;
}
