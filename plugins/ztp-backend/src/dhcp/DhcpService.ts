import type {
  ZtpDhcpConfigPart,
  ZtpDhcpConfigView,
  ZtpDhcpLease,
  ZtpDhcpLeaseList,
  ZtpDhcpProblem,
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

/** What the lease join reads of each device in the queue. */
type LeaseJoinDevice = Pick<
  DeviceRecord,
  'entityRef' | 'confMinState' | 'macAddress' | 'managementIp'
>;

/**
 * What a summary reads of the queue (the generated configuration's counts
 * and problems, and the devices the leases are joined with), kept while
 * the queue's change mark and the servable images stay as they were.
 */
type QueueReading = {
  mark: string;
  imagesGeneration: number;
  readAt: number;
  reservationCount: number;
  problems: ZtpDhcpProblem[];
  devices: LeaseJoinDevice[];
};

/**
 * A reading of the queue serves this long at most: a writer that stamps
 * its rows before it commits can leave the change mark where it was.
 */
const QUEUE_READING_MAX_AGE_MS = 60_000;

function doorProblems(tftpProblem?: () => string | undefined) {
  const message = tftpProblem?.();
  return message ? [{ message }] : [];
}

/** DHCP from the catalog: the generated configuration, its apply status, leases. */
export class DhcpService {
  private reading?: QueueReading;
  private imagesGeneration = 0;

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
      /** Clock of the summary's reading of the queue (tests move it). */
      now?: () => number;
    },
  ) {}

  /** The servable images changed: boot options may name others. */
  imagesChanged() {
    this.imagesGeneration++;
  }

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
   * Loaded devices. Every open dashboard polls it, and generating the
   * configuration reads every device (120 ms of the main thread at 10,000):
   * the queue is read again only when its change mark or the servable
   * images moved, or after a minute; Kea's leases are read on every poll.
   */
  async summary(limit: number, now = new Date()): Promise<ZtpDhcpSummary> {
    const queue = await this.readQueue();
    const leases = await this.leasesFor(queue.devices, now);
    const notLoaded = leases.items.filter(l => l.confMin === 'not-loaded');
    return {
      reservationCount: queue.reservationCount,
      problemCount: queue.problems.length,
      problems: queue.problems.slice(0, limit),
      leases: {
        available: leases.available,
        ...(leases.source !== undefined && { source: leases.source }),
        ...(leases.error !== undefined && { error: leases.error }),
        notLoadedCount: notLoaded.length,
        notLoaded: notLoaded.slice(0, limit),
      },
    };
  }

  private async readQueue(): Promise<QueueReading> {
    const clock = this.deps.now ?? Date.now;
    const mark = await this.deps.stores.devices.changeMark();
    const last = this.reading;
    if (
      last &&
      last.mark === mark &&
      last.imagesGeneration === this.imagesGeneration &&
      clock() - last.readAt < QUEUE_READING_MAX_AGE_MS
    ) {
      return last;
    }
    const imagesGeneration = this.imagesGeneration;
    const readAt = clock();
    const devices = await this.deps.stores.devices.listActiveDevices();
    const generated = this.generateFor(devices);
    this.reading = {
      mark,
      imagesGeneration,
      readAt,
      reservationCount: generated.reservationCount,
      problems: generated.problems,
      // Only what the lease join needs, and only when leases are read.
      devices: this.deps.leases
        ? devices.map(d => ({
            entityRef: d.entityRef,
            confMinState: d.confMinState,
            macAddress: d.macAddress,
            managementIp: d.managementIp,
          }))
        : [],
    };
    return this.reading;
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
    devices: readonly LeaseJoinDevice[],
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
