import type {
  DhcpBootServer,
  PlatformDevice,
  PlatformDhcpOptions,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { doorConfigPath } from '../common';

/**
 * The URL EOS ZTP fetches (option 67): a file that does not start with #!
 * becomes the startup-config. Today the device's minimal configuration on
 * the door; re-point here when the door serves EOS another file.
 */
export function eosBootFileUrl(
  device: PlatformDevice,
  server: DhcpBootServer,
): string {
  return `${server.url}${doorConfigPath(device)}`;
}

/** Arista EOS: option 67 alone, an HTTP URL. */
export function eosDhcpOptions(
  device: PlatformDevice,
  server: DhcpBootServer,
): PlatformDhcpOptions {
  return { bootFileName: eosBootFileUrl(device, server) };
}
