import { cliLines, looksLikeSerial } from '../common';

/**
 * The chassis serial from Junos `show chassis hardware`: the "Chassis" row
 * (never Midplane, PEM, Routing Engine, FPC, PIC or transceiver rows).
 * Clusters and multi-member systems print one section per node or member
 * ("node0:", "fpc0:"); the first section's chassis is taken. A formed
 * Virtual Chassis prints one table whose Chassis row carries the serial of
 * its master.
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
  const header = lines.find(line =>
    /^\s*Item\s+Version\s+Part number\s+Serial number\s+Description/i.test(
      line,
    ),
  );
  const serialColumn = header?.indexOf('Serial number');
  const descriptionColumn = header?.indexOf('Description');

  for (const line of lines) {
    const match = /^\s*Chassis(\s+)(\S.*)$/.exec(line);
    if (!match) continue;
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
  return undefined;
}

/** Replaces tabs with spaces up to the next 8-column stop, as a terminal shows them. */
function expandTabs(line: string): string {
  let out = '';
  for (const ch of line) {
    out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  }
  return out;
}
