import { cliLines, looksLikeSerial } from '../common';

/**
 * "Serial number:" of EOS `show version`. Empty on vEOS and container
 * EOS, and on some modular systems; then undefined.
 */
export function eosSerialFromVersion(output: string): string | undefined {
  for (const line of cliLines(output)) {
    const match = /^\s*Serial number\s*:[ \t]*(\S*)\s*$/i.exec(line);
    if (match) return looksLikeSerial(match[1]) ? match[1] : undefined;
  }
  return undefined;
}

/**
 * The chassis serial from the "System information" section of EOS
 * `show inventory` (the system itself, not the supervisors, linecards,
 * fabric cards, power supplies or transceivers listed after it). The row
 * is "<HW version> <serial> <manufacturing date>"; old releases print it
 * without column headers.
 */
export function eosSerialFromInventory(output: string): string | undefined {
  const lines = cliLines(output);
  const start = lines.findIndex(line =>
    /^\s*System information\s*$/i.test(line),
  );
  if (start === -1) return undefined;
  for (const line of lines.slice(start + 1)) {
    if (/^\s*System has\b/i.test(line)) break;
    const row =
      /^\s*(?:\S+\s+)?([A-Za-z0-9][A-Za-z0-9-]{3,})\s+\d{4}-\d{2}-\d{2}\b/.exec(
        line,
      );
    if (row && looksLikeSerial(row[1])) return row[1];
  }
  return undefined;
}
