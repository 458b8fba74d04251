import { hash } from 'node:crypto';
import type { DeviceRecord } from '../database/types';

/**
 * What a door must render and know again when any of it changes: what it
 * serves a device (its configuration and bootstrap files) and what it
 * recognises it by. Not the states its own fetches and the serial checks
 * move: in a boot storm those change for thousands of devices every few
 * seconds, and rendering or resending on them would stall the door for
 * nothing.
 */
export function doorSignature(d: DeviceRecord, ...more: string[]): string {
  // A digest, not the joined text: two doors keep one per device, and the
  // text (a SHA-crypt hash among it) is ~250 bytes against 28.
  return hash(
    'sha1',
    [
      d.declarationHash,
      d.localUsername,
      d.localPasswordHash,
      d.expectedSerial,
      d.macAddress ?? '',
      d.hostname,
      d.managementIp,
      ...more,
    ].join('\u0000'),
    'base64',
  );
}
