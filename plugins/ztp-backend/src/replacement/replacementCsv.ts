import { parse } from 'csv-parse/sync';
import {
  normalizeMac,
  normalizeSerial,
  serialsMatch,
  validateSerial,
  type ZtpReplacementCsvCheck,
  type ZtpReplacementCsvProblem,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceRecord } from '../database/types';

/** Most devices one replacement list may name. */
export const MAX_REPLACEMENT_LINES = 1000;

/** The entity column as people write it: resource:ns/name, ns/name or name. */
function entityRefOf(value: string): string {
  const v = value.trim().toLocaleLowerCase('en-US');
  if (v.startsWith('resource:')) {
    return v.includes('/') ? v : `resource:default/${v.slice(9)}`;
  }
  return v.includes('/') ? `resource:${v}` : `resource:default/${v}`;
}

const isHeader = (fields: string[]) =>
  /^entity/i.test(fields[0] ?? '') && /serial/i.test(fields[1] ?? '');

/**
 * Reads a replacement list (entity, new serial, new MAC; a header line is
 * allowed, the MAC may be empty) and checks every line against the queue
 * before anything changes: each problem is reported with its line number.
 */
export function checkReplacementCsv(
  text: string,
  devices: DeviceRecord[],
): ZtpReplacementCsvCheck {
  const problems: ZtpReplacementCsvProblem[] = [];
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes with where it was read (its types
    // describe records alone).
    records = parse(text, {
      info: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      comment: '#',
    }) as unknown as typeof records;
  } catch (error) {
    const e = error as Error & { lines?: number };
    return {
      ok: false,
      problems: [
        {
          line: e.lines ?? 1,
          message: `not readable as CSV: ${e.message}`,
        },
      ],
      rows: [],
    };
  }
  if (records.length && isHeader(records[0].record)) records.shift();
  if (!records.length) {
    problems.push({
      line: 1,
      message:
        'no replacement in the list: one line per device, "entity,new serial,new MAC"',
    });
  }
  if (records.length > MAX_REPLACEMENT_LINES) {
    problems.push({
      line: records[MAX_REPLACEMENT_LINES].info.lines,
      message: `at most ${MAX_REPLACEMENT_LINES} devices per list`,
    });
  }
  const byRef = new Map(devices.map(d => [d.entityRef, d]));
  const seenRefs = new Map<string, number>();
  const seenSerials = new Map<string, number>();
  const seenMacs = new Map<string, number>();
  const rows: ZtpReplacementCsvCheck['rows'] = [];
  for (const { record, info } of records.slice(0, MAX_REPLACEMENT_LINES)) {
    const line = info.lines;
    const problem = (message: string) => problems.push({ line, message });
    if (record.length < 2 || record.length > 3) {
      problem(
        `expected 2 or 3 fields (entity, new serial, new MAC), found ${record.length}`,
      );
      continue;
    }
    const [entity, serialText, macText = ''] = record;
    const before = problems.length;
    const entityRef = entityRefOf(entity);
    const device = byRef.get(entityRef);
    if (!entity) problem('the entity is empty');
    else if (!device)
      problem(`unknown entity ${entity}: no such device in the ZTP queue`);
    else if (seenRefs.has(entityRef)) {
      problem(
        `${entity} is already replaced on line ${seenRefs.get(entityRef)}`,
      );
    }
    const serialProblem = validateSerial(serialText);
    const serial = normalizeSerial(serialText);
    if (serialProblem) problem(`new serial: ${serialProblem}`);
    else if (seenSerials.has(serial)) {
      problem(
        `duplicate serial ${serial}: already on line ${seenSerials.get(
          serial,
        )}`,
      );
    } else {
      const holder = devices.find(
        d =>
          d.entityRef !== entityRef && serialsMatch(d.expectedSerial, serial),
      );
      if (holder) {
        problem(
          `duplicate serial ${serial}: it is the serial of ${holder.entityRef}`,
        );
      } else if (device && serialsMatch(device.expectedSerial, serial)) {
        problem(
          `${serial} is already the serial of ${entity}: give the new box's`,
        );
      }
    }
    let mac: string | undefined;
    if (macText) {
      mac = normalizeMac(macText);
      if (!mac)
        problem(`bad MAC "${macText}" (six hex pairs, e.g. 52:54:00:12:34:56)`);
      else if (seenMacs.has(mac)) {
        problem(`duplicate MAC ${mac}: already on line ${seenMacs.get(mac)}`);
      } else {
        const holder = devices.find(
          d => d.entityRef !== entityRef && d.macAddress === mac,
        );
        if (holder)
          problem(`duplicate MAC ${mac}: it is the MAC of ${holder.entityRef}`);
      }
    }
    if (device) seenRefs.set(entityRef, line);
    if (!serialProblem)
      seenSerials.set(serial, seenSerials.get(serial) ?? line);
    if (mac) seenMacs.set(mac, seenMacs.get(mac) ?? line);
    if (problems.length === before) {
      rows.push({
        line,
        entityRef,
        newSerial: serial,
        ...(mac && { newMacAddress: mac }),
      });
    }
  }
  return {
    ok: problems.length === 0,
    problems,
    rows: problems.length ? [] : rows,
  };
}
