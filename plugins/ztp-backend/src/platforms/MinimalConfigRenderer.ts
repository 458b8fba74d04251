import {
  netmask,
  renderMinimalConfig,
  type PlatformDevice,
} from '@ztp-portal/backstage-plugin-ztp-node';
import type { DeviceRecord } from '../database/types';
import type { PlatformRegistry } from './PlatformRegistry';

/**
 * Renders each device's minimal configuration from its platform's template
 * (or an override from config) with the platforms' one renderer. Nothing is
 * kept: a render takes about 10 µs, and keeping every device's text cost
 * the main thread about 1 kB a device (the door's worker keeps its own).
 */
export class MinimalConfigRenderer {
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
    return renderMinimalConfig(this.template(d.platform), platformDevice(d), {
      username: d.localUsername,
      passwordHash: d.localPasswordHash,
    });
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
