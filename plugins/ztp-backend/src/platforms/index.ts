import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import { aristaEosDriver } from './arista-eos';
import { ciscoIosXeDriver } from './cisco-iosxe';
import { ciscoNxosDriver } from './cisco-nxos';
import { juniperJunosDriver } from './juniper-junos';

export {
  aristaEosDriver,
  ciscoIosXeDriver,
  ciscoNxosDriver,
  juniperJunosDriver,
};
export {
  createTemplateEnvironment,
  netmask,
  renderMinimalConfig,
  shaCrypt,
  verifyShaCrypt,
  ciscoType9Hash,
} from './common';
export type { MinimalConfigAccount } from './common';
export {
  bootstrapArtifacts,
  bootstrapContext,
  dhcpBootFile,
  reportPath,
} from './bootstrapArtifacts';

/** The drivers that ship with the ZTP backend, in BUILTIN_PLATFORMS order. */
export const builtinPlatformDrivers: ZtpPlatformDriver[] = [
  ciscoIosXeDriver,
  ciscoNxosDriver,
  aristaEosDriver,
  juniperJunosDriver,
];

/** The built-in driver of a platform, or undefined. */
export function findBuiltinDriver(
  platformId: string,
): ZtpPlatformDriver | undefined {
  return builtinPlatformDrivers.find(driver => driver.id === platformId);
}

/** The built-in driver of a platform; throws for an unknown platform. */
export function getBuiltinDriver(platformId: string): ZtpPlatformDriver {
  const driver = findBuiltinDriver(platformId);
  if (!driver) {
    const known = builtinPlatformDrivers.map(d => d.id).join(', ');
    throw new Error(
      `No built-in driver for platform "${platformId}"; built-in platforms are ${known}`,
    );
  }
  return driver;
}
