import type { Config } from '@backstage/config';
import { isValidIp } from '@ztp-portal/backstage-plugin-ztp-common';

/** One provisioning network the generated Kea configuration serves. */
export type DhcpSubnetSettings = {
  /** Kea's subnet id: leases are kept per id, so it must stay stable. */
  id: number;
  /** e.g. 198.18.0.0/24 */
  subnet: string;
  /** Kea pools for devices without a reservation, e.g. 198.18.0.100 - 198.18.0.199. */
  pools: string[];
  /** Routers option of the subnet (a device's declared gateway wins). */
  gateway?: string;
  /** Addresses of the DHCP relays (giaddr) that forward this network. */
  relayAddresses: string[];
  /** The server interface the network is reached on directly. */
  interface?: string;
};

/** How the backend talks to a running kea-dhcp4. */
export type KeaControlSettings = {
  /**
   * The server's unix control socket, written into the generated
   * configuration (config-set must keep it); commands go straight to it
   * unless agentUrl is set.
   */
  socket?: string;
  /** The Kea control agent's HTTP API, e.g. http://127.0.0.1:8000/. */
  agentUrl?: string;
};

export type DhcpSettings = {
  /**
   * The device door as booting devices reach it, by IPv4 address, e.g.
   * http://198.18.0.1:7080: where the options send them.
   */
  doorUrl?: string;
  subnets: DhcpSubnetSettings[];
  /** Interfaces Kea listens on (default every one, "*"). */
  interfaces: string[];
  validLifetimeSeconds: number;
  /** The memfile lease file: written in the configuration, read for leases. */
  leaseFile?: string;
  /** libdhcp_lease_cmds.so: loaded by the configuration, leases read with lease4-get-all. */
  leaseCommandsLibrary?: string;
  control?: KeaControlSettings;
  /** Changes are applied at most this often (default 5 s). */
  debounceSeconds: number;
};

/**
 * The door as booting devices reach it: ztp.provisioning.deviceUrl (what
 * the bootstrap scripts carry too), else the door's host and port. Options
 * 66, 150 and Junos' option 43 name it by IPv4 address (a booting device
 * has no DNS), so a URL without one gives none.
 */
function readDoorUrl(root: Config): string | undefined {
  const p = root.getOptionalConfig('ztp.provisioning');
  const host = p?.getOptionalString('host') ?? '127.0.0.1';
  const port = p?.getOptionalNumber('port') ?? 7080;
  const configured =
    p?.getOptionalString('deviceUrl') ?? `http://${host}:${port}`;
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    return undefined;
  }
  if (
    url.protocol !== 'http:' ||
    !isValidIp(url.hostname) ||
    url.hostname.includes(':') ||
    url.hostname === '0.0.0.0'
  ) {
    return undefined;
  }
  return configured.replace(/\/+$/, '');
}

export function readDhcpSettings(root: Config): DhcpSettings {
  const c = root.getOptionalConfig('ztp.dhcp');
  const control = c?.getOptionalConfig('control');
  const subnets = (c?.getOptionalConfigArray('subnets') ?? []).map(
    (s, i): DhcpSubnetSettings => ({
      id: s.getOptionalNumber('id') ?? i + 1,
      subnet: s.getString('subnet'),
      pools: s.getOptionalStringArray('pools') ?? [],
      gateway: s.getOptionalString('gateway'),
      relayAddresses: s.getOptionalStringArray('relayAddresses') ?? [],
      interface: s.getOptionalString('interface'),
    }),
  );
  return {
    doorUrl: readDoorUrl(root),
    subnets,
    interfaces: c?.getOptionalStringArray('interfaces') ?? ['*'],
    validLifetimeSeconds: c?.getOptionalNumber('validLifetimeSeconds') ?? 3600,
    leaseFile: c?.getOptionalString('leases.memfile'),
    leaseCommandsLibrary: c?.getOptionalString('leases.commandsLibrary'),
    control:
      control &&
      (control.getOptionalString('socket') ||
        control.getOptionalString('agentUrl'))
        ? {
            socket: control.getOptionalString('socket'),
            agentUrl: control.getOptionalString('agentUrl'),
          }
        : undefined,
    debounceSeconds: c?.getOptionalNumber('apply.debounceSeconds') ?? 5,
  };
}
