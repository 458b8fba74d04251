import type {
  DhcpBootServer,
  PlatformDevice,
  PlatformDhcpOptions,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { doorConfigPath } from '../common';

/** Option 43 sub-options Junos ZTP reads (Juniper's ZTP documentation). */
const JUNOS_CONFIG_FILE = 1;
const JUNOS_TRANSFER_MODE = 3;
const JUNOS_HTTP_PORT = 5;

/**
 * The configuration file Junos ZTP fetches (option 43 sub-option 01), a
 * path on the server of option 150: today the device's minimal
 * configuration on the door. Re-point here when the door serves Junos
 * another file.
 */
export function junosBootFilePath(device: PlatformDevice): string {
  return doorConfigPath(device, '.conf');
}

/**
 * Junos: the file, transfer mode and port as option 43 sub-options 01, 03
 * and 05; the server address in option 150.
 */
export function junosDhcpOptions(
  device: PlatformDevice,
  server: DhcpBootServer,
): PlatformDhcpOptions {
  return {
    tftpServerAddresses: [server.address],
    vendorSubOptions: [
      { code: JUNOS_CONFIG_FILE, value: junosBootFilePath(device) },
      { code: JUNOS_TRANSFER_MODE, value: 'http' },
      { code: JUNOS_HTTP_PORT, value: String(server.port) },
    ],
  };
}
