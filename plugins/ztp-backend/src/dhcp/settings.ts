import type { Config } from '@backstage/config';
import type { DhcpBootServer } from '@ztp-portal/backstage-plugin-ztp-node';
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
  /** Where the options send booting devices (the device door). */
  bootServer?: DhcpBootServer;
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
 * The door's URL as devices reach it: ztp.dhcp.bootServerUrl, else the
 * door's own address when it is one a device can be sent to.
 */
function readBootServer(root: Config): DhcpBootServer | undefined {
  const configured = root.getOptionalString('ztp.dhcp.bootServerUrl');
  if (!configured) {
    const host = root.getOptionalString('ztp.provisioning.host') ?? '127.0.0.1';
    const port = root.getOptionalNumber('ztp.provisioning.port') ?? 7080;
    // A wildcard or a host name cannot go into options 66/150 or 43.
    if (!isValidIp(host) || host.includes(':') || host === '0.0.0.0') {
      return undefined;
    }
    return { url: `http://${host}:${port}`, address: host, port };
  }
  let url: URL;
  try {
    url = new URL(configured);
  } catch {
    throw new Error(`ztp.dhcp.bootServerUrl "${configured}" is not a URL`);
  }
  if (url.protocol !== 'http:') {
    throw new Error(
      `ztp.dhcp.bootServerUrl must be an http URL, not "${configured}"`,
    );
  }
  // Options 66, 150 and Junos' option 43 name the server by IPv4 address.
  if (!isValidIp(url.hostname) || url.hostname.includes(':')) {
    throw new Error(
      `ztp.dhcp.bootServerUrl must name the door by its IPv4 address (devices have no DNS yet), not "${url.hostname}"`,
    );
  }
  const port = url.port ? Number(url.port) : 80;
  return {
    url: `http://${url.hostname}${port === 80 ? '' : `:${port}`}`,
    address: url.hostname,
    port,
  };
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
    bootServer: readBootServer(root),
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
