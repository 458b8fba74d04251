import nunjucks from 'nunjucks';
import type { PlatformDevice } from '../bootstrap';
import type { ZtpPlatformDriver } from '../platformDriver';

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

/*
 * No HTML escaping (these are device configurations), an error for any
 * undefined variable, block tags that leave no blank lines, and a
 * `netmask` filter.
 */
const environment = new nunjucks.Environment(undefined, {
  autoescape: false,
  throwOnUndefined: true,
  trimBlocks: true,
  lstripBlocks: true,
});
environment.addFilter('netmask', (length: number) => netmask(length));

/** Compiled once per template text: a platform's, or a site's override. */
const compiled = new Map<string, nunjucks.Template>();

/**
 * Renders a minimal configuration for one device and account: the one
 * renderer, used by the backend for every device the door serves and by
 * each platform's tests.
 */
export function renderMinimalConfig(
  driver: Pick<ZtpPlatformDriver, 'minimalConfigTemplate'>,
  device: PlatformDevice & { netmask?: string },
  account: MinimalConfigAccount,
): string {
  const source = driver.minimalConfigTemplate;
  let template = compiled.get(source);
  if (!template) {
    template = nunjucks.compile(source, environment);
    compiled.set(source, template);
  }
  return template.render({
    device: {
      ...device,
      netmask: device.netmask ?? netmask(device.prefixLength),
    },
    account,
  });
}
