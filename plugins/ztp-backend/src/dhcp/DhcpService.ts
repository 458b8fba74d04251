import type {
  ZtpDhcpConfigPart,
  ZtpDhcpConfigView,
  ZtpDhcpLease,
  ZtpDhcpLeaseList,
  ZtpDhcpSummary,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { UpgradeImage } from '@ztp-portal/backstage-plugin-ztp-node';
import type { DeviceRecord } from '../database/types';
import type { ZtpStores } from '../database/ZtpStores';
import type { PlatformRegistry } from '../platforms/PlatformRegistry';
import {
  type DhcpDevice,
  GeneratedKeaConfig,
  generateKeaConfig,
} from './generateKeaConfig';
import type { KeaLeaseSource } from './KeaLeaseReader';
import type { DhcpSettings } from './settings';

function doorProblems(tftpProblem?: () => string | undefined) {
  const message = tftpProblem?.();
  return message ? [{ message }] : [];
}

/** DHCP from the catalog: the generated configuration, its apply status, leases. */
export class DhcpService {
  constructor(
    private readonly deps: {
      settings: DhcpSettings;
      stores: Pick<ZtpStores, 'devices'>;
      platforms: Pick<PlatformRegistry, 'get'>;
      leases?: KeaLeaseSource;
      /** Why the TFTP door the options name is not serving, if so. */
      tftpProblem?: () => string | undefined;
      /** The image a device's agent takes while it boots. */
      imageFor?: (device: DhcpDevice) => UpgradeImage | undefined;
    },
  ) {}

  async generate(): Promise<GeneratedKeaConfig> {
    const devices = await this.deps.stores.devices.listActiveDevices();
    return this.generateFor(devices);
  }

  private generateFor(devices: DeviceRecord[]): GeneratedKeaConfig {
    return generateKeaConfig(
      devices,
      this.deps.settings,
      this.deps.platforms,
      this.deps.imageFor,
    );
  }

  /**
   * What the DHCP card polls: counts and the first `limit` problems and Not
   * Loaded devices, from one read of the queue.
   */
  async summary(limit: number, now = new Date()): Promise<ZtpDhcpSummary> {
    const devices = await this.deps.stores.devices.listActiveDevices();
    const generated = this.generateFor(devices);
    const leases = await this.leasesFor(devices, now);
    const notLoaded = leases.items.filter(l => l.confMin === 'not-loaded');
    return {
      reservationCount: generated.reservationCount,
      problemCount: generated.problems.length,
      problems: generated.problems.slice(0, limit),
      leases: {
        available: leases.available,
        ...(leases.source !== undefined && { source: leases.source }),
        ...(leases.error !== undefined && { error: leases.error }),
        notLoadedCount: notLoaded.length,
        notLoaded: notLoaded.slice(0, limit),
      },
    };
  }

  async configView(part: ZtpDhcpConfigPart): Promise<ZtpDhcpConfigView> {
    const generated = await this.generate();
    return {
      part,
      content:
        part === 'reservations' ? generated.reservations : generated.config,
      reservationCount: generated.reservationCount,
      problems: [...doorProblems(this.deps.tftpProblem), ...generated.problems],
    };
  }

  /** Per device in the queue: what Kea's lease data says DHCP handed it. */
  async leases(now = new Date()): Promise<ZtpDhcpLeaseList> {
    if (!this.deps.leases) return { available: false, items: [] };
    const devices = await this.deps.stores.devices.listActiveDevices();
    return this.leasesFor(devices, now);
  }

  private async leasesFor(
    devices: DeviceRecord[],
    now: Date,
  ): Promise<ZtpDhcpLeaseList> {
    const source = this.deps.leases;
    if (!source) return { available: false, items: [] };
    let leases;
    try {
      leases = await source.read();
    } catch (error) {
      return {
        available: false,
        source: source.description,
        error: (error as Error).message,
        items: [],
      };
    }
    const byMac = new Map(
      leases.filter(l => l.macAddress).map(l => [l.macAddress!, l]),
    );
    const byAddress = new Map(leases.map(l => [l.address, l]));
    const items = devices.map((d): ZtpDhcpLease => {
      const lease =
        (d.macAddress && byMac.get(d.macAddress)) ||
        byAddress.get(d.managementIp);
      if (!lease) {
        return {
          entityRef: d.entityRef,
          confMin: d.confMinState,
          state: 'none',
        };
      }
      return {
        entityRef: d.entityRef,
        confMin: d.confMinState,
        state:
          lease.state === 0 && lease.expiresAt > now ? 'leased' : 'expired',
        address: lease.address,
        macAddress: lease.macAddress,
        expiresAt: lease.expiresAt.toISOString(),
      };
    });
    return { available: true, source: source.description, items };
  }
}
