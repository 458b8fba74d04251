import type { DeviceRecord } from '../database/types';

/**
 * What a door must render and know again when any of it changes: what it
 * serves a device (its configuration and bootstrap files) and what it
 * recognises it by. Not the states its own fetches and the serial checks
 * move: in a boot storm those change for thousands of devices every few
 * seconds, and rendering or resending on them would stall the door for
 * nothing.
 */
export function doorSignature(d: DeviceRecord): string {
  return [
    d.declarationHash,
    d.localUsername,
    d.localPasswordHash,
    d.expectedSerial,
    d.macAddress ?? '',
    d.hostname,
    d.managementIp,
  ].join('\u0000');
}
