import {
  cliLines,
  looksLikeSerial,
} from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The chassis serial from Junos `show chassis hardware`: the "Chassis" row
 * (never Midplane, PEM, Routing Engine, FPC, PIC or transceiver rows).
 * Clusters and multi-member systems print one section per node or member
 * ("node0:", "member1:", "fpc0:"); the section of the primary or master
 * named by a role line such as "{primary:node1}" or "{master:1}" is
 * taken, else the first section. A formed Virtual Chassis prints one
 * table whose Chassis row carries the serial of its master.
 *
 * The Chassis row leaves Version and Part number empty, so its first value
 * is the serial. When a row has a single value, the header's column
 * positions tell a serial from a description (virtual platforms may print
 * no serial).
 */
export function junosSerialFromChassisHardware(
  output: string,
): string | undefined {
  const lines = cliLines(output).map(expandTabs);
  const isHeader = (line: string) =>
    /^\s*Item\s+Version\s+Part number\s+Serial number\s+Description/i.test(
      line,
    );
  const header = lines.find(isHeader);
  const serialColumn = header?.indexOf('Serial number');
  const descriptionColumn = header?.indexOf('Description');

  const active = activeMember(lines);
  const chassisRows: { member?: number; line: string }[] = [];
  let member: number | undefined;
  // Rows count from the table's header on: a login banner above it may
  // have lines that start with "Chassis" (an RMA note, the old serial).
  let inTable = header === undefined;
  for (const line of lines) {
    const section = /^\s*(?:node|member|fpc)(\d+):\s*$/i.exec(line);
    if (section) member = Number(section[1]);
    else if (isHeader(line)) inTable = true;
    else if (inTable && /^\s*Chassis\s+\S/.test(line)) {
      chassisRows.push({ member, line });
    }
  }
  const row =
    chassisRows.find(r => active !== undefined && r.member === active) ??
    chassisRows[0];
  return row && serialOfChassisRow(row.line, serialColumn, descriptionColumn);
}

/**
 * The member or node number of the primary (cluster) or master (Virtual
 * Chassis), from the role line Junos prints above the prompt:
 * "{primary:node1}", "{master:1}", "{master:member1-re0}". Logged in on
 * the secondary node of a two-node cluster ("{secondary:node0}"), the
 * primary is the other node.
 */
function activeMember(lines: string[]): number | undefined {
  for (const line of lines) {
    const role =
      /^\{(primary|master|secondary)[\w-]*:(?:node|member|fpc)?(\d+)(?:-re\d)?\}(?:\[edit\b.*\])?$/i.exec(
        line.trim(),
      );
    if (!role) continue;
    const number = Number(role[2]);
    if (role[1].toLowerCase() !== 'secondary') return number;
    if (number <= 1) return 1 - number;
  }
  return undefined;
}

/** The serial of a Chassis row, told from a description by column. */
function serialOfChassisRow(
  line: string,
  serialColumn: number | undefined,
  descriptionColumn: number | undefined,
): string | undefined {
  const match = /^\s*Chassis(\s+)(\S.*)$/.exec(line);
  if (!match) return undefined;
  const values = match[2].trim().split(/\s+/);
  if (values.length >= 2) {
    return looksLikeSerial(values[0]) ? values[0] : undefined;
  }
  const at = line.indexOf(values[0], line.indexOf('Chassis') + 7);
  const isDescription =
    serialColumn !== undefined &&
    descriptionColumn !== undefined &&
    Math.abs(at - descriptionColumn) < Math.abs(at - serialColumn);
  return !isDescription && looksLikeSerial(values[0]) ? values[0] : undefined;
}

/** Replaces tabs with spaces up to the next 8-column stop, as a terminal shows them. */
function expandTabs(line: string): string {
  let out = '';
  for (const ch of line) {
    out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  }
  return out;
}
