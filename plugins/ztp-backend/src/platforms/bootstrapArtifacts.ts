import type {
  BootstrapContext,
  BootstrapFile,
  DhcpBootContext,
  DhcpBootFile,
  PlatformDevice,
  UpgradeImage,
  ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { md5Hex } from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The token a device reports its progress with: the MD5 of its minimal
 * configuration. Only whoever fetched that configuration (which holds the
 * account) knows it, and POAP's own `.md5` file carries it.
 */
function reportToken(minimalConfig: string): string {
  return md5Hex(minimalConfig);
}

/** Where a device reports its progress on the door (see BootstrapContext). */
export function reportPath(minimalConfig: string): string {
  return `/ztp/report/${reportToken(minimalConfig)}`;
}

/** What one device's bootstrap files are rendered from. */
export function bootstrapContext(
  device: PlatformDevice,
  minimalConfig: string,
  doorUrl: string,
  image?: UpgradeImage,
): BootstrapContext {
  return {
    device,
    minimalConfig,
    doorUrl: doorUrl.replace(/\/+$/, ''),
    reportPath: reportPath(minimalConfig),
    ...(image && { image }),
  };
}

/**
 * The files the door serves one device, in the form its platform's agent
 * needs (none for a platform without bootstrap support: it gets the plain
 * configuration routes only).
 */
export function bootstrapArtifacts(
  driver: Pick<ZtpPlatformDriver, 'bootstrap'>,
  ctx: BootstrapContext,
): BootstrapFile[] {
  return driver.bootstrap?.files(ctx) ?? [];
}

/**
 * What a DHCP server must hand this device (option 67, 150/66, Junos
 * option 43) so that it asks the door for its files: the one source of
 * the generated Kea configuration's options. Undefined for a platform
 * without bootstrap support.
 */
export function dhcpBootFile(
  driver: Pick<ZtpPlatformDriver, 'bootstrap'>,
  ctx: DhcpBootContext,
): DhcpBootFile | undefined {
  return driver.bootstrap?.dhcpBootFile(ctx);
}
