import {
  CiscoInventoryEntry,
  cliLines,
  looksLikeSerial,
  parseCiscoInventory,
} from '../common';

/** Entries that are parts of a chassis, never the chassis itself. */
const PART =
  /power|supply|psu|fan|sfp|transceiver|module|slot|sensor|stackport|uplink|linecard|line card|supervisor|\d+\/\d+/i;

function switchNumber(name: string): number | undefined {
  const match = /^switch\s*0*(\d+)$/i.exec(name);
  return match ? Number(match[1]) : undefined;
}

/**
 * Chooses the chassis among `show inventory` entries, most specific first:
 * "Chassis" (ISR, ASR, Catalyst 8000, 9400/9500/9600); on stacks
 * (Catalyst 9200/9300, 3650/3850) "Switch 1", the stack entry
 * ("c93xx Stack"), or the lowest numbered switch; then older names such
 * as "CISCO2911/K9 chassis". Power supplies, fans, SFPs and cards are
 * never chosen.
 */
export function pickIosXeChassis(
  entries: CiscoInventoryEntry[],
): CiscoInventoryEntry | undefined {
  const candidates = entries.filter(e => looksLikeSerial(e.serial));
  const named = (test: (name: string) => boolean) =>
    candidates.find(e => test(e.name));

  const switches = candidates
    .filter(e => switchNumber(e.name) !== undefined)
    .sort((a, b) => switchNumber(a.name)! - switchNumber(b.name)!);

  return (
    named(n => /^chassis$/i.test(n)) ??
    named(n => switchNumber(n) === 1) ??
    named(n => /^c\w*\s+stack$/i.test(n)) ??
    switches[0] ??
    named(n => /\bchassis$/i.test(n) && !PART.test(n)) ??
    named(n => /^\d+$/.test(n) && !PART.test(n))
  );
}

/** The chassis serial from `show inventory`, or undefined. */
export function iosXeSerialFromInventory(output: string): string | undefined {
  return pickIosXeChassis(parseCiscoInventory(output))?.serial;
}

/**
 * The chassis serial from `show version`: "Processor board ID", else the
 * first (active) switch's "System Serial Number".
 */
export function iosXeSerialFromVersion(output: string): string | undefined {
  const text = cliLines(output).join('\n');
  const board = /Processor board ID[ \t]+([A-Za-z0-9-]+)/i.exec(text)?.[1];
  if (looksLikeSerial(board)) return board;
  const system = /System Serial Number[ \t]*:[ \t]*([A-Za-z0-9-]+)/i.exec(
    text,
  )?.[1];
  return looksLikeSerial(system) ? system : undefined;
}
