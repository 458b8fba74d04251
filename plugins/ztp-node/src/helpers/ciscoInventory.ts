import { cliLines } from './output';

/** One NAME/DESCR + PID/VID/SN pair of Cisco's `show inventory`. */
export type CiscoInventoryEntry = {
  name: string;
  description: string;
  pid?: string;
  vid?: string;
  serial?: string;
};

/*
 * NAME and PID records, found anywhere in the text so that records glued
 * together (a lost line break, a pager prompt in between) still parse.
 * NAME and DESCR are quoted on IOS XE and mostly on NX-OS, but NX-OS
 * prints transceivers unquoted (NAME: Ethernet1/1,  DESCR: FiberStore).
 */
const RECORD = new RegExp(
  [
    String.raw`NAME:[ \t]*(?:"([^"]*)"|([^,\n]*?))[ \t]*,[ \t]*DESCR:[ \t]*(?:"([^"]*)"|([^\n]*?))[ \t]*(?=\n|$|PID:)`,
    String.raw`PID:[ \t]*([^,\n]*?)[ \t]*,[ \t]*VID:[ \t]*([^,\n]*?)[ \t]*,[ \t]*SN:[ \t]*([A-Za-z0-9/-]*?)(?=NAME:|[ \t,]|\n|$)`,
  ].join('|'),
  'g',
);

/** Parses Cisco `show inventory` output (IOS, IOS XE, NX-OS). */
export function parseCiscoInventory(output: string): CiscoInventoryEntry[] {
  const text = cliLines(output).join('\n');
  const entries: CiscoInventoryEntry[] = [];
  for (const match of text.matchAll(RECORD)) {
    const [, qName, name, qDescr, descr, pid, vid, serial] = match;
    if (match[0].startsWith('NAME:')) {
      entries.push({
        name: (qName ?? name ?? '').trim(),
        description: (qDescr ?? descr ?? '').trim(),
      });
      continue;
    }
    let entry = entries[entries.length - 1];
    if (!entry || entry.pid !== undefined) {
      // A PID line whose NAME line was lost: keep it, unnamed.
      entry = { name: '', description: '' };
      entries.push(entry);
    }
    entry.pid = pid.trim();
    entry.vid = vid.trim();
    entry.serial = serial.trim() || undefined;
  }
  return entries;
}
