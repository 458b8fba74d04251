import {
  netmask,
  renderMinimalConfig,
  type PlatformDevice,
} from '@ztp-portal/backstage-plugin-ztp-node';
import type { DeviceRecord } from '../database/types';
import type { PlatformRegistry } from './PlatformRegistry';

/**
 * Renders each device's minimal configuration from its platform's template
 * (or an override from config) with the platforms' one renderer, once per
 * change of what it depends on: repeated fetches are served from the cache.
 */
export class MinimalConfigRenderer {
  private readonly cache = new Map<string, { key: string; text: string }>();

  constructor(
    private readonly platforms: PlatformRegistry,
    private readonly templateOverrides: Record<string, string> = {},
  ) {}

  private template(platform: string): { minimalConfigTemplate: string } {
    return {
      minimalConfigTemplate:
        this.templateOverrides[platform] ??
        this.platforms.require(platform).minimalConfigTemplate,
    };
  }

  render(d: DeviceRecord): string {
    const key = `${d.declarationHash}:${d.localUsername}:${d.localPasswordHash}:${d.expectedSerial}`;
    const hit = this.cache.get(d.entityRef);
    if (hit && hit.key === key) return hit.text;
    const device = platformDevice(d);
    const text = renderMinimalConfig(this.template(d.platform), device, {
      username: d.localUsername,
      passwordHash: d.localPasswordHash,
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
