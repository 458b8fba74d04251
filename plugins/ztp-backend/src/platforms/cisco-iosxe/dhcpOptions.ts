import type {
  DhcpBootServer,
  PlatformDevice,
  PlatformDhcpOptions,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { iosXeScriptName } from './bootstrap';

/**
 * The URL an IOS XE device's ZTP fetches (option 67): the device's ZTP
 * script on the door, which Guest Shell runs (the same file the platform's
 * bootstrap names).
 */
export function iosXeBootFileUrl(
  device: PlatformDevice,
  server: DhcpBootServer,
): string {
  return `${server.url}/ztp/boot/${iosXeScriptName({ device })}`;
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
