import ipaddr from 'ipaddr.js';
import type { DhcpSubnetSettings } from './settings';

/** Neither the network nor the broadcast address of `cidr` (/31 and /32 have neither). */
export function isUnicastHost(ip: string, cidr: string): boolean {
  const [net, len] = ipaddr.IPv4.parseCIDR(cidr);
  if (len >= 31) return true;
  const addr = ipaddr.IPv4.parse(ip).toString();
  return (
    addr !== ipaddr.IPv4.networkAddressFromCIDR(`${net}/${len}`).toString() &&
    addr !== ipaddr.IPv4.broadcastAddressFromCIDR(`${net}/${len}`).toString()
  );
}

/** What is wrong with a configured provisioning subnet, if anything. */
export function subnetProblem(s: DhcpSubnetSettings): string[] {
  try {
    const [net, len] = ipaddr.IPv4.parseCIDR(s.subnet);
    if (
      net.toString() !== ipaddr.IPv4.networkAddressFromCIDR(s.subnet).toString()
    ) {
      return [
        `ztp.dhcp.subnets: ${
          s.subnet
        } is not a network address (did you mean ${ipaddr.IPv4.networkAddressFromCIDR(
          s.subnet,
        )}/${len}?); the subnet is left out`,
      ];
    }
    return [];
  } catch {
    return [
      `ztp.dhcp.subnets: "${s.subnet}" is not an IPv4 network (like 198.18.0.0/24); the subnet is left out`,
    ];
  }
}
