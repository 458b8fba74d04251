import {
  cliLines,
  looksLikeSerial,
  parseCiscoInventory,
} from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The chassis serial from NX-OS `show inventory`: the entry named
 * "Chassis" (Nexus 3000/5000/7000/9000, fixed and modular alike). Slots,
 * supervisors, power supplies, fans and transceivers are never chosen.
 */
export function nxosSerialFromInventory(output: string): string | undefined {
  const entries = parseCiscoInventory(output).filter(e =>
    looksLikeSerial(e.serial),
  );
  return entries.find(e => /^chassis$/i.test(e.name))?.serial;
}

/**
 * "Processor Board ID" of `show version`. On fixed switches it is the
 * chassis serial; on modular ones it is the supervisor's, so it is only
 * used when `show inventory` has no chassis entry.
 */
export function nxosSerialFromVersion(output: string): string | undefined {
  const text = cliLines(output).join('\n');
  const board = /Processor Board ID[ \t]+([A-Za-z0-9-]+)/i.exec(text)?.[1];
  return looksLikeSerial(board) ? board : undefined;
}
