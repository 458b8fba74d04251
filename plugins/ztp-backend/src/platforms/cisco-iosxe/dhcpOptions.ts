import type {
  DhcpBootServer,
  PlatformDevice,
  PlatformDhcpOptions,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { doorConfigPath } from '../common';

/**
 * The URL an IOS XE device's ZTP fetches (option 67): today the device's
 * minimal configuration on the door. Re-point here when the door serves an
 * IOS XE ZTP script instead.
 */
export function iosXeBootFileUrl(
  device: PlatformDevice,
  server: DhcpBootServer,
): string {
  return `${server.url}${doorConfigPath(device, '.cfg')}`;
}

/**
 * IOS XE: ZTP takes the URL in option 67; when it finds no script there
 * AutoInstall falls back to TFTP from the server in option 150 (or 66).
 */
export function iosXeDhcpOptions(
  device: PlatformDevice,
  server: DhcpBootServer,
): PlatformDhcpOptions {
  return {
    bootFileName: iosXeBootFileUrl(device, server),
    tftpServerName: server.address,
    tftpServerAddresses: [server.address],
  };
}
