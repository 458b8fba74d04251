import type { IncomingHttpHeaders } from 'node:http';
import type { DeviceRecord } from '../database/types';
import type { DeviceIndex, DoorIdentity } from './DeviceIndex';

export type Recognition<D extends DoorIdentity = DeviceRecord> =
  | {
      device: D;
      via: string;
      headerSerial?: string;
    }
  | { device: undefined; identifier: string; headerSerial?: string };

// File names a DHCP server hands out carry an extension; Cisco autoinstall
// and NX-OS POAP also prefix them ("conf_", "conf."). The value is already
// decoded: the HTTP door decodes its path, a TFTP file name is sent as is.
function stripFileName(value: string): string {
  return value
    .replace(/\.(cfg|conf|config|txt|py|json)$/i, '')
    .replace(/^conf[_.]/i, '');
}

/** A header's value as the door reads it (the first one, trimmed). */
export function header(
  headers: IncomingHttpHeaders,
  name: string,
): string | undefined {
  const v = headers[name.toLowerCase()];
  return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
}

/**
 * Finds which declared device is asking, the way real ZTP agents present
 * themselves: MAC or hostname in the URL (the per-device boot file name),
 * vendor headers (Arista X-Arista-SystemMAC / X-Arista-Serial, SONiC
 * BASE-MAC-ADDRESS / SERIAL-NUMBER), and last the source address when it is
 * the declared management address.
 */
export function recognizeDevice<D extends DoorIdentity>(
  index: DeviceIndex<D>,
  request: {
    kind: 'mac' | 'hostname' | 'auto';
    key?: string;
    headers: IncomingHttpHeaders;
    sourceIp: string;
  },
): Recognition<D> {
  const headerSerial =
    header(request.headers, 'x-arista-serial') ??
    header(request.headers, 'serial-number');
  const headerMac =
    header(request.headers, 'x-arista-systemmac') ??
    header(request.headers, 'base-mac-address');

  if (request.kind === 'mac' && request.key) {
    const mac = stripFileName(request.key);
    const device = index.findByMac(mac);
    return device
      ? { device, via: 'MAC address in the URL', headerSerial }
      : { device: undefined, identifier: `mac ${mac}`, headerSerial };
  }
  if (request.kind === 'hostname' && request.key) {
    const hostname = stripFileName(request.key);
    const device = index.findByHostname(hostname);
    return device
      ? { device, via: 'hostname in the URL', headerSerial }
      : { device: undefined, identifier: `hostname ${hostname}`, headerSerial };
  }
  if (headerMac) {
    const device = index.findByMac(headerMac);
    if (device) return { device, via: 'MAC address header', headerSerial };
  }
  if (headerSerial) {
    const device = index.findBySerial(headerSerial);
    if (device) return { device, via: 'serial number header', headerSerial };
  }
  const bySource = index.findByIp(request.sourceIp);
  if (bySource) {
    return { device: bySource, via: 'source address', headerSerial };
  }
  let identifier = `address ${request.sourceIp}`;
  if (headerMac) identifier = `mac ${headerMac}`;
  else if (headerSerial) identifier = `serial ${headerSerial}`;
  return { device: undefined, identifier, headerSerial };
}

/**
 * Whether an unknown-device identifier ("mac …", "hostname …", "address …",
 * "serial …", as recorded by the door) now belongs to a device in the queue:
 * a device that asked before it was declared, or before the catalog had
 * processed it, is no longer unknown.
 */
export function identifiesDeclaredDevice(
  index: DeviceIndex<DoorIdentity>,
  identifier: string,
): boolean {
  const space = identifier.indexOf(' ');
  if (space < 0) return false;
  const kind = identifier.slice(0, space);
  const value = identifier.slice(space + 1);
  switch (kind) {
    case 'mac':
      return !!index.findByMac(value);
    case 'hostname':
      return !!index.findByHostname(value);
    case 'address':
      return !!index.findByIp(value);
    case 'serial':
      return !!index.findBySerial(value);
    default:
      return false;
  }
}
