import nunjucks from 'nunjucks';
import type {
  PlatformDevice,
  ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';

/** The local account a minimal configuration creates. */
export type MinimalConfigAccount = { username: string; passwordHash: string };

/** Dotted mask of an IPv4 prefix length, e.g. 24 -> 255.255.255.0. */
export function netmask(prefixLength: number): string {
  const length = Number(prefixLength);
  if (!Number.isInteger(length) || length < 0 || length > 32) {
    throw new Error(`"${prefixLength}" is not an IPv4 prefix length`);
  }
  const bits = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  return [24, 16, 8, 0].map(shift => (bits >>> shift) & 0xff).join('.');
}

/**
 * The Nunjucks environment minimal configurations are rendered with: no
 * HTML escaping (these are device configurations), an error for any
 * undefined variable, block tags that leave no blank lines, and a
 * `netmask` filter.
 */
export function createTemplateEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(undefined, {
    autoescape: false,
    throwOnUndefined: true,
    trimBlocks: true,
    lstripBlocks: true,
  });
  env.addFilter('netmask', (length: number) => netmask(length));
  return env;
}

/** Renders a driver's minimal configuration for one device and account. */
export function renderMinimalConfig(
  driver: Pick<ZtpPlatformDriver, 'minimalConfigTemplate'>,
  device: PlatformDevice & { netmask?: string },
  account: MinimalConfigAccount,
  env: nunjucks.Environment = createTemplateEnvironment(),
): string {
  return env.renderString(driver.minimalConfigTemplate, {
    device: {
      ...device,
      netmask: device.netmask ?? netmask(device.prefixLength),
    },
    account,
  });
}
