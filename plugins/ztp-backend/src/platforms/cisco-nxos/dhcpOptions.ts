import type {
  DhcpBootServer,
  PlatformDevice,
  PlatformDhcpOptions,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { NXOS_POAP_SCRIPT } from './bootstrap';

/**
 * The file NX-OS POAP fetches (option 67): the POAP script on the door, by
 * URL (POAP on Open NX-OS downloads its script over HTTP); the script then
 * fetches the device's configuration and its md5 by serial.
 */
export function nxosBootFileUrl(
  _device: PlatformDevice,
  server: DhcpBootServer,
): string {
  return `${server.url}/ztp/boot/${NXOS_POAP_SCRIPT}`;
}

/**
 * NX-OS POAP: the script server in option 66 and 150, the script in 67;
 * POAP refuses a lease shorter than an hour.
 */
export function nxosDhcpOptions(
  device: PlatformDevice,
  server: DhcpBootServer,
): PlatformDhcpOptions {
  return {
    bootFileName: nxosBootFileUrl(device, server),
    tftpServerName: server.address,
    tftpServerAddresses: [server.address],
    minLeaseSeconds: 3600,
  };
}
