import type {
  ZtpDhcpConfigPart,
  ZtpDhcpConfigView,
  ZtpDhcpLease,
  ZtpDhcpLeaseList,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { ZtpStores } from '../database/ZtpStores';
import type { PlatformRegistry } from '../platforms/PlatformRegistry';
import { GeneratedKeaConfig, generateKeaConfig } from './generateKeaConfig';
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
    },
  ) {}

  async generate(): Promise<GeneratedKeaConfig> {
    const devices = await this.deps.stores.devices.listActiveDevices();
    return generateKeaConfig(devices, this.deps.settings, this.deps.platforms);
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
    const devices = await this.deps.stores.devices.listActiveDevices();
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
