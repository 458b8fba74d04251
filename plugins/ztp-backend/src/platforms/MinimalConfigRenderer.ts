import nunjucks from 'nunjucks';
import type { PlatformDevice } from '@ztp-portal/backstage-plugin-ztp-node';
import type { DeviceRecord } from '../database/types';
import type { PlatformRegistry } from './PlatformRegistry';

function netmask(prefixLength: number): string {
  const bits =
    prefixLength === 0 ? 0 : (0xffffffff << (32 - prefixLength)) >>> 0;
  return [24, 16, 8, 0].map(s => (bits >>> s) & 0xff).join('.');
}

/**
 * Renders each device's minimal configuration from its platform's Nunjucks
 * template (or an override from config), once per change of what it depends
 * on: repeated fetches are served from the cache.
 */
export class MinimalConfigRenderer {
  private readonly env: nunjucks.Environment;
  private readonly compiled = new Map<string, nunjucks.Template>();
  private readonly cache = new Map<string, { key: string; text: string }>();

  constructor(
    private readonly platforms: PlatformRegistry,
    private readonly templateOverrides: Record<string, string> = {},
  ) {
    this.env = new nunjucks.Environment(undefined, {
      autoescape: false,
      throwOnUndefined: true,
      trimBlocks: true,
      lstripBlocks: true,
    });
    this.env.addFilter('netmask', (len: number) => netmask(Number(len)));
  }

  private template(platform: string): nunjucks.Template {
    let t = this.compiled.get(platform);
    if (!t) {
      const source =
        this.templateOverrides[platform] ??
        this.platforms.require(platform).minimalConfigTemplate;
      t = nunjucks.compile(source, this.env);
      this.compiled.set(platform, t);
    }
    return t;
  }

  render(d: DeviceRecord): string {
    const key = `${d.declarationHash}:${d.localUsername}:${d.localPasswordHash}:${d.expectedSerial}`;
    const hit = this.cache.get(d.entityRef);
    if (hit && hit.key === key) return hit.text;
    const device = platformDevice(d);
    const text = this.template(d.platform).render({
      device,
      account: { username: d.localUsername, passwordHash: d.localPasswordHash },
    });
    this.cache.set(d.entityRef, { key, text });
    return text;
  }

  forget(entityRef: string) {
    this.cache.delete(entityRef);
  }
}

/** A queued device as drivers and templates see it. */
export function platformDevice(
  d: Pick<
    DeviceRecord,
    | 'entityRef'
    | 'name'
    | 'hostname'
    | 'platform'
    | 'managementIp'
    | 'managementAddress'
    | 'defaultGateway'
    | 'managementInterface'
    | 'managementVrf'
    | 'macAddress'
    | 'expectedSerial'
  > &
    Partial<Pick<DeviceRecord, 'site'>>,
): PlatformDevice & { netmask: string; site?: string } {
  const [, len] = d.managementAddress.split('/');
  return {
    entityRef: d.entityRef,
    name: d.name,
    hostname: d.hostname,
    platform: d.platform,
    managementIp: d.managementIp,
    prefixLength: Number(len),
    netmask: netmask(Number(len)),
    defaultGateway: d.defaultGateway,
    managementInterface: d.managementInterface,
    managementVrf: d.managementVrf,
    macAddress: d.macAddress ?? undefined,
    expectedSerial: d.expectedSerial,
    site: d.site,
  };
}
