import type { PlatformDevice } from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The path of a device's minimal configuration on the device door: by MAC
 * when the declaration has one (what DHCP reserves on), by hostname
 * otherwise. The extension is the one the platform's agent expects.
 */
export function doorConfigPath(
  device: Pick<PlatformDevice, 'macAddress' | 'hostname'>,
  extension = '',
): string {
  return device.macAddress
    ? `/ztp/config/by-mac/${device.macAddress}${extension}`
    : `/ztp/config/by-hostname/${encodeURIComponent(
        device.hostname,
      )}${extension}`;
}
