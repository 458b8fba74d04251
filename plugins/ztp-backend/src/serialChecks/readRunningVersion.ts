import type {
  DeviceCli,
  PlatformSoftwareVersion,
  ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The running version, read in the serial check's session with the
 * platform's own command. The serial is what the check is for: a version
 * that cannot be read (a platform without readVersion, output that names
 * none) leaves it unknown rather than failing the check.
 */
export async function readRunningVersion(
  driver: Pick<ZtpPlatformDriver, 'readVersion'>,
  cli: DeviceCli,
): Promise<PlatformSoftwareVersion | undefined> {
  if (!driver.readVersion) return undefined;
  try {
    return await driver.readVersion(cli);
  } catch {
    return undefined;
  }
}
