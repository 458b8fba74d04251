import path from 'node:path';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import { readFixture } from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import ztpPlatformAristaEos, {
  aristaEosDriver,
} from '@ztp-portal/backstage-plugin-ztp-backend-module-arista-eos';
import ztpPlatformCiscoIosXe, {
  ciscoIosXeDriver,
} from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-iosxe';
import ztpPlatformCiscoNxos, {
  ciscoNxosDriver,
} from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-nxos';
import ztpPlatformJuniperJunos, {
  juniperJunosDriver,
} from '@ztp-portal/backstage-plugin-ztp-backend-module-juniper-junos';

/*
 * The platform packages the portal ships, for the core's tests (the core
 * itself names no platform: the backend installs them as modules).
 */

export {
  aristaEosDriver,
  ciscoIosXeDriver,
  ciscoNxosDriver,
  juniperJunosDriver,
};

/** The drivers of the four platform packages, in the portal's order. */
export const builtinPlatformDrivers: ZtpPlatformDriver[] = [
  ciscoIosXeDriver,
  ciscoNxosDriver,
  aristaEosDriver,
  juniperJunosDriver,
];

/** The driver of one of the four packages, or undefined. */
export function findBuiltinDriver(
  platformId: string,
): ZtpPlatformDriver | undefined {
  return builtinPlatformDrivers.find(driver => driver.id === platformId);
}

/** The driver of one of the four packages; throws for another platform. */
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

/** The src directory of a platform package (its captured outputs are there). */
export function platformSourceDirectory(platformId: string): string {
  return path.join(
    path.dirname(
      require.resolve(
        `@ztp-portal/backstage-plugin-ztp-backend-module-${platformId}/package.json`,
      ),
    ),
    'src',
  );
}

/** A captured output of a platform package, by platform and file name. */
export function platformFixture(platformId: string, name: string): string {
  return readFixture(platformSourceDirectory(platformId), name);
}

/** A registry of the four, as the backend holds them once their modules ran. */
export function builtinPlatformRegistry(): PlatformRegistry {
  return new PlatformRegistry(builtinPlatformDrivers);
}

/** The final-configuration dialect of one of the four. */
export function builtinDialect(platformId: string) {
  return getBuiltinDriver(platformId).finalConfig;
}

/** The four packages' backend features, for test backends that run the plugin. */
export const builtinPlatformFeatures = [
  ztpPlatformCiscoIosXe,
  ztpPlatformCiscoNxos,
  ztpPlatformAristaEos,
  ztpPlatformJuniperJunos,
];
