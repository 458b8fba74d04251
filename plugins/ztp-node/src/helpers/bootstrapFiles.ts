import { createHash } from 'node:crypto';
import type { BootstrapContext, PlatformDevice } from '../bootstrap';

/** MD5 in hex, as POAP and md5sum print it. */
export function md5Hex(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}

/** A MAC address as 12 lower-case hex digits, or undefined. */
export function bareMac(mac: string | undefined): string | undefined {
  const hex = (mac ?? '').replace(/[^0-9a-f]/gi, '').toLowerCase();
  return hex.length === 12 ? hex : undefined;
}

/**
 * The key a per-device file name carries: the declared MAC (12 hex digits)
 * when there is one, the hostname otherwise.
 */
export function deviceFileKey(device: PlatformDevice): string {
  return bareMac(device.macAddress) ?? device.hostname.toLowerCase();
}

/** Every key a device may be asked for by: MAC and hostname. */
export function deviceFileKeys(device: PlatformDevice): string[] {
  const mac = bareMac(device.macAddress);
  const hostname = device.hostname.toLowerCase();
  return mac ? [mac, hostname] : [hostname];
}

/**
 * A Python string literal holding the text exactly (triple-quoted, so a
 * configuration stays readable in the script).
 */
export function pythonString(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"');
  return `"""${escaped}"""`;
}

/** The door's host (for DHCP options that take an address). */
export function doorHost(ctx: Pick<BootstrapContext, 'doorUrl'>): string {
  return new URL(ctx.doorUrl).hostname;
}

/** The door's HTTP port. */
export function doorPort(ctx: Pick<BootstrapContext, 'doorUrl'>): string {
  const url = new URL(ctx.doorUrl);
  return url.port || '80';
}

export const TEXT = 'text/plain; charset=utf-8';
export const PYTHON = 'text/x-python; charset=utf-8';
