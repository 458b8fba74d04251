import {
  CiscoInventoryEntry,
  cliLines,
  looksLikeSerial,
  parseCiscoInventory,
} from '@ztp-portal/backstage-plugin-ztp-node';

/** Entries that are parts of a chassis, never the chassis itself. */
const PART =
  /power|supply|psu|fan|sfp|transceiver|module|slot|sensor|stackport|uplink|linecard|line card|supervisor|\d+\/\d+/i;

/**
 * The member number of a stack member ("Switch 2"), a StackWise Virtual
 * or HA member ("Chassis 2") or a classic IOS stack member ("2").
 */
function memberNumber(name: string): number | undefined {
  const match =
    /^(?:(?:switch|chassis)\s*)?0*(\d+)$/i.exec(name) ??
    // Catalyst 4500-E VSS: "Switch1 System", "Switch2 System".
    /^switch\s*0*(\d+)\s+system$/i.exec(name);
  return match ? Number(match[1]) : undefined;
}

// "Chassis", and "Switch System" of the Catalyst 4500/4900 family.
const isChassis = (name: string) => /^(?:chassis|switch system)$/i.test(name);
/**
 * An entry named after its own product ID (or its model, the ID without
 * the variant suffix) is the device itself on small and older platforms
 * (an ME1200, IOSv, a Catalyst 6500 "WS-C6504-E" whose slot 1 is named
 * "1", which must not pass for a stack member).
 */
const isSelfNamed = (e: CiscoInventoryEntry) => {
  const name = e.name.toLowerCase();
  const pid = e.pid?.toLowerCase() ?? '';
  // "ME1200" for PID ME1200-4S-A: the model without its variant suffix.
  return (
    name.length >= 4 &&
    (pid === name || pid.startsWith(`${name}-`)) &&
    !PART.test(e.name)
  );
};
const isStack = (name: string) => /^c\w*\s+stack$/i.test(name);

/**
 * Chooses the chassis among `show inventory` entries, most specific first:
 * "Chassis" (ISR, ASR, Catalyst 8000, 9400/9500/9600) or "Switch
 * System" (Catalyst 4500/4900); on stacks
 * (Catalyst 9200/9300, 3650/3850) the stack entry ("c93xx Stack"), which
 * carries the active switch's serial even when the active switch is not
 * member 1; else member 1 or the lowest numbered member ("Switch 1",
 * "Chassis 1" of StackWise Virtual, "Switch1 System" of a 4500 VSS, "1" of
 * a classic stack), unless an entry is named after its own product ID (the
 * device itself on small and older platforms); then older names such as
 * "CISCO2911/K9 chassis". Power supplies, fans, SFPs and
 * cards are never chosen.
 */
export function pickIosXeChassis(
  entries: CiscoInventoryEntry[],
): CiscoInventoryEntry | undefined {
  const candidates = entries.filter(e => looksLikeSerial(e.serial));
  const named = (test: (name: string) => boolean) =>
    candidates.find(e => test(e.name));

  const members = candidates
    .filter(e => memberNumber(e.name) !== undefined)
    .sort((a, b) => memberNumber(a.name)! - memberNumber(b.name)!);

  return (
    named(isChassis) ??
    named(isStack) ??
    candidates.find(isSelfNamed) ??
    members[0] ??
    named(n => /\bchassis$/i.test(n) && !PART.test(n))
  );
}

/**
 * True when `show inventory` lists several stack or StackWise Virtual
 * members but no entry for the whole system, so it cannot tell which
 * member is active (`show version`'s "Processor board ID" can).
 */
export function iosXeInventoryHidesActiveMember(output: string): boolean {
  const entries = parseCiscoInventory(output).filter(e =>
    looksLikeSerial(e.serial),
  );
  if (
    entries.some(e => isChassis(e.name) || isStack(e.name) || isSelfNamed(e))
  ) {
    return false;
  }
  return entries.filter(e => memberNumber(e.name) !== undefined).length > 1;
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
