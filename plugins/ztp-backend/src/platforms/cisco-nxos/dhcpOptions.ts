import type {
  DhcpBootServer,
  PlatformDevice,
  PlatformDhcpOptions,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { doorConfigPath } from '../common';

/**
 * The file NX-OS POAP fetches (option 67): today the device's minimal
 * configuration on the door, by URL (POAP on Open NX-OS downloads its
 * script over HTTP). Re-point here when the door serves a POAP script.
 */
export function nxosBootFileUrl(
  device: PlatformDevice,
  server: DhcpBootServer,
): string {
  return `${server.url}${doorConfigPath(device, '.cfg')}`;
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
