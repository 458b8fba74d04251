import {
  cliLines,
  looksLikeSerial,
} from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * "Serial number:" of EOS `show version`. Empty on vEOS and container
 * EOS, and on some modular systems; then undefined.
 */
export function eosSerialFromVersion(output: string): string | undefined {
  const lines = cliLines(output);
  const values: { value: string; afterHardware: boolean }[] = [];
  let previous = '';
  for (const line of lines) {
    const match = /^\s*Serial number\s*:[ \t]*(\S*)\s*$/i.exec(line);
    if (match) {
      values.push({
        value: match[1],
        afterHardware: /^\s*Hardware version\s*:/i.test(previous),
      });
    }
    if (line.trim()) previous = line;
  }
  // show version prints it under "Hardware version:"; a login banner
  // above the output may carry a line of the same form (an asset note),
  // so otherwise the last one, the command's own.
  const own = values.find(v => v.afterHardware) ?? values.at(-1);
  return own && looksLikeSerial(own.value) ? own.value : undefined;
}

/**
 * The chassis serial from the "System information" section of EOS
 * `show inventory` (the system itself, not the supervisors, linecards,
 * fabric cards, power supplies or transceivers listed after it). The
 * value is read under the "Serial Number" column header; on a narrow
 * terminal EOS prints each column as its own small table, which reads
 * the same way. Old releases print the row "<HW version> <serial>
 * <manufacturing date>" without headers.
 */
export function eosSerialFromInventory(output: string): string | undefined {
  const lines = cliLines(output);
  const start = lines.findIndex(line =>
    /^\s*System information\s*$/i.test(line),
  );
  if (start === -1) return undefined;
  let end = lines.findIndex(
    (line, index) => index > start && /^\s*System has\b/i.test(line),
  );
  if (end === -1) end = lines.length;
  const section = lines.slice(start + 1, end);
  return section.some(line => /Serial Number/i.test(line))
    ? serialUnderHeader(section)
    : serialFromBareRow(section);
}

/**
 * The first value under a "Serial Number" header and its dashes. EOS pads
 * its columns, but a row whose spacing was lost (a copy, a log, a tool
 * that squeezes blanks) must not yield a piece of the serial: the value is
 * the whole token in the serial's column, found by column index when the
 * row has one token per column, else the token over the column's start.
 */
function serialUnderHeader(section: string[]): string | undefined {
  for (let i = 0; i + 2 < section.length; i++) {
    const at = section[i].search(/Serial Number/i);
    if (at === -1 || !/^\s*-[-\s]*$/.test(section[i + 1])) continue;
    const spans = [...section[i + 1].matchAll(/-+/g)];
    const column = spans.findIndex(
      span => at >= span.index && at < span.index + span[0].length,
    );
    if (column === -1) continue;
    const tokens = [...section[i + 2].matchAll(/\S+/g)];
    let value: string | undefined;
    if (tokens.length === spans.length) {
      value = tokens[column][0];
    } else {
      const start = spans[column].index;
      // A blank column has no token there: never take a neighbour's.
      value = tokens.find(
        t => t.index <= start && start < t.index + t[0].length,
      )?.[0];
    }
    return looksLikeSerial(value) ? value : undefined;
  }
  return undefined;
}

/** Headerless rows of old releases: "<HW version> <serial> <date>". */
function serialFromBareRow(section: string[]): string | undefined {
  for (const line of section) {
    const row =
      /^\s*(?:\S+\s+)?([A-Za-z0-9][A-Za-z0-9-]{3,})\s+\d{4}-\d{2}-\d{2}\b/.exec(
        line,
      );
    if (row && looksLikeSerial(row[1])) return row[1];
  }
  return undefined;
}
