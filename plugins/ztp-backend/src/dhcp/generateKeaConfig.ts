import { createHash } from 'node:crypto';
import type {
  DhcpBootFile,
  UpgradeImage,
} from '@ztp-portal/backstage-plugin-ztp-node';
import {
  ipInSubnet,
  type ZtpDhcpProblem,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceRecord } from '../database/types';
import { dhcpBootFile } from '../platforms';
import { platformDevice } from '../platforms/MinimalConfigRenderer';
import type { PlatformRegistry } from '../platforms/PlatformRegistry';
import {
  bootOptionData,
  bootOptionProblem,
  TFTP_SERVER_ADDRESS_DEF,
} from './bootOptions';
import type { KeaReservation, KeaSubnet } from './keaTypes';
import type { DhcpSettings } from './settings';
import { isUnicastHost, subnetProblem } from './subnets';

/** What the generator reads of a device in the queue. */
export type DhcpDevice = Pick<
  DeviceRecord,
  | 'entityRef'
  | 'name'
  | 'hostname'
  | 'platform'
  | 'managementIp'
  | 'managementAddress'
  | 'managementInterface'
  | 'managementVrf'
  | 'defaultGateway'
  | 'macAddress'
  | 'switchPort'
  | 'expectedSerial'
  | 'site'
  | 'deviceModel'
>;

/** The generated configuration, with what was left out and why. */
export type GeneratedKeaConfig = {
  /** The whole file: { Dhcp4: ... }. */
  config: { Dhcp4: Record<string, unknown> };
  /** The reservations alone, per subnet, with the option definitions they use. */
  reservations: {
    'option-def': unknown[];
    subnet4: { id: number; subnet: string; reservations: KeaReservation[] }[];
  };
  /** Entity ref -> what its reservation says (to name changes between two). */
  devices: Record<string, string>;
  reservationCount: number;
  problems: ZtpDhcpProblem[];
  /** Changes with the configuration and only with it. */
  hash: string;
};

/** Kea takes a text circuit ID quoted, bytes as hex. */
function circuitId(switchPort: string): string {
  return switchPort.startsWith('0x')
    ? switchPort.slice(2).toLowerCase()
    : `'${switchPort}'`;
}

/**
 * Writes the Kea DHCPv4 configuration of the ZTP queue: the provisioning
 * subnets from config, one reservation per device (by MAC, and by the
 * switch port's circuit ID where declared) on its declared management
 * address, its gateway, and its platform's boot options. A device that
 * cannot be served is left out with a problem saying why, so the file is
 * always one Kea takes.
 */
export function generateKeaConfig(
  devices: readonly DhcpDevice[],
  settings: DhcpSettings,
  platforms: Pick<PlatformRegistry, 'get'>,
  /** The image a device's agent takes while it boots, if any. */
  imageFor: (device: DhcpDevice) => UpgradeImage | undefined = () => undefined,
): GeneratedKeaConfig {
  const problems: ZtpDhcpProblem[] = [];
  const subnetProblems = settings.subnets.flatMap(s => subnetProblem(s));
  problems.push(...subnetProblems.map(message => ({ message })));
  const subnets = settings.subnets.filter(s => !subnetProblem(s).length);
  if (!subnets.length) {
    problems.push({
      message:
        'No provisioning subnet is configured (ztp.dhcp.subnets): no device can get a reservation',
    });
  }

  if (!settings.doorUrl) {
    problems.push({
      message:
        'The door has no address a device can be sent to (ztp.provisioning.deviceUrl, or host and port, is not http with an IPv4 address): set ztp.provisioning.deviceUrl; until then reservations carry no boot options',
    });
  }

  const bySubnet = new Map<number, KeaReservation[]>();
  const lifetimes = new Map<number, number>();
  const summaries: Record<string, string> = {};
  const takenIp = new Map<string, string>();
  const takenMac = new Map<string, string>();
  const takenPort = new Map<string, string>();
  const sorted = [...devices].sort((a, b) =>
    a.entityRef.localeCompare(b.entityRef),
  );
  let usesOption150 = false;

  for (const d of sorted) {
    const refuse = (message: string) =>
      problems.push({ entityRef: d.entityRef, message });
    if (!d.macAddress && !d.switchPort) {
      refuse(
        `${d.name} has neither a MAC address nor a switch port: DHCP cannot tell it apart, so it has no reservation`,
      );
      continue;
    }
    if (d.managementIp.includes(':')) {
      refuse(
        `${d.name}: ${d.managementIp} is IPv6; the generated configuration is DHCPv4`,
      );
      continue;
    }
    const subnet = subnets.find(s => ipInSubnet(d.managementIp, s.subnet));
    if (!subnet) {
      refuse(
        `${d.name}: its management address ${
          d.managementIp
        } is outside every provisioning subnet (${
          subnets.map(s => s.subnet).join(', ') || 'none configured'
        })`,
      );
      continue;
    }
    if (!isUnicastHost(d.managementIp, subnet.subnet)) {
      refuse(
        `${d.name}: ${d.managementIp} is the network or broadcast address of ${subnet.subnet}`,
      );
      continue;
    }
    const ipOwner = takenIp.get(d.managementIp);
    if (ipOwner) {
      refuse(
        `${d.name}: ${d.managementIp} is also the address of ${ipOwner}, which keeps the reservation`,
      );
      continue;
    }
    const macOwner = d.macAddress && takenMac.get(d.macAddress);
    if (macOwner) {
      refuse(
        `${d.name}: MAC ${d.macAddress} is also declared for ${macOwner}, which keeps the reservation`,
      );
      continue;
    }
    const portKey = d.switchPort && `${subnet.id}\n${d.switchPort}`;
    const portOwner = portKey && takenPort.get(portKey);
    if (portOwner) {
      refuse(
        `${d.name}: switch port ${d.switchPort} is also declared for ${portOwner}, which keeps the reservation`,
      );
      continue;
    }
    const gateway = d.defaultGateway;
    if (gateway && !ipInSubnet(gateway, subnet.subnet)) {
      refuse(
        `${d.name}: its gateway ${gateway} is outside ${subnet.subnet}, the subnet of its address`,
      );
      continue;
    }

    const driver = platforms.get(d.platform);
    // The same options the door's bootstrap files are named by.
    const boot: DhcpBootFile = (driver &&
      settings.doorUrl &&
      dhcpBootFile(driver, {
        device: platformDevice(d),
        doorUrl: settings.doorUrl,
        image: imageFor(d),
      })) || { downloads: [] };
    const badOption = bootOptionProblem(boot);
    if (badOption) {
      refuse(
        `${d.name}: its platform's DHCP options are unusable: ${badOption}`,
      );
      continue;
    }
    if (!driver?.bootstrap && settings.doorUrl) {
      problems.push({
        entityRef: d.entityRef,
        message: `${d.name}: platform ${d.platform} has no bootstrap files, so no DHCP options; its reservation gives an address and gateway only`,
      });
    }

    takenIp.set(d.managementIp, d.name);
    if (d.macAddress) takenMac.set(d.macAddress, d.name);
    if (portKey) takenPort.set(portKey, d.name);
    usesOption150 ||= Boolean(boot.tftpServer);
    if (boot.minLeaseSeconds) {
      lifetimes.set(
        subnet.id,
        Math.max(lifetimes.get(subnet.id) ?? 0, boot.minLeaseSeconds),
      );
    }

    const optionData = bootOptionData(boot);
    if (gateway && gateway !== subnet.gateway) {
      optionData.unshift({ name: 'routers', data: gateway });
    }
    const base = {
      'ip-address': d.managementIp,
      hostname: d.hostname,
      'option-data': optionData,
      'user-context': { 'entity-ref': d.entityRef, platform: d.platform },
    };
    const list = bySubnet.get(subnet.id) ?? [];
    // A device is recognised by its MAC; where it names its switch port,
    // by the port too (the relay's circuit ID), so a replaced chassis on
    // that port gets the same address and file.
    if (d.switchPort)
      list.push({ 'circuit-id': circuitId(d.switchPort), ...base });
    if (d.macAddress) list.push({ 'hw-address': d.macAddress, ...base });
    bySubnet.set(subnet.id, list);
    summaries[d.entityRef] = JSON.stringify({
      ip: d.managementIp,
      mac: d.macAddress,
      port: d.switchPort,
      options: optionData,
    });
  }

  const subnet4: KeaSubnet[] = subnets.map(s => {
    const lifetime = Math.max(
      settings.validLifetimeSeconds,
      lifetimes.get(s.id) ?? 0,
    );
    return {
      id: s.id,
      subnet: s.subnet,
      pools: s.pools.map(pool => ({ pool })),
      'valid-lifetime': lifetime,
      'option-data': s.gateway ? [{ name: 'routers', data: s.gateway }] : [],
      ...(s.relayAddresses.length
        ? { relay: { 'ip-addresses': s.relayAddresses } }
        : {}),
      ...(s.interface ? { interface: s.interface } : {}),
      reservations: bySubnet.get(s.id) ?? [],
    };
  });
  const optionDefs = usesOption150 ? [TFTP_SERVER_ADDRESS_DEF] : [];

  const dhcp4: Record<string, unknown> = {
    'interfaces-config': { interfaces: settings.interfaces },
    ...(settings.control?.socket
      ? {
          'control-socket': {
            'socket-type': 'unix',
            'socket-name': settings.control.socket,
          },
        }
      : {}),
    'lease-database': {
      type: 'memfile',
      persist: true,
      ...(settings.leaseFile ? { name: settings.leaseFile } : {}),
    },
    ...(settings.leaseCommandsLibrary
      ? { 'hooks-libraries': [{ library: settings.leaseCommandsLibrary }] }
      : {}),
    'valid-lifetime': settings.validLifetimeSeconds,
    // Reservations are looked up by the relay's circuit ID first, then MAC.
    'host-reservation-identifiers': ['circuit-id', 'hw-address'],
    // A device declared with both has two reservations of one address.
    'ip-reservations-unique': false,
    'option-def': optionDefs,
    subnet4,
  };
  const config = { Dhcp4: dhcp4 };
  const reservationCount = Object.keys(summaries).length;
  return {
    config,
    reservations: {
      'option-def': optionDefs,
      subnet4: subnet4.map(s => ({
        id: s.id,
        subnet: s.subnet,
        reservations: s.reservations,
      })),
    },
    devices: summaries,
    reservationCount,
    problems,
    hash: createHash('sha256').update(JSON.stringify(config)).digest('hex'),
  };
}
