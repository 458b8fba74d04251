import ipaddr from 'ipaddr.js';
import type nunjucks from 'nunjucks';

/*
 * Filters final-configuration templates use to write addresses, masks and
 * names the way each platform spells them. Each throws on input it does not
 * understand, so a bad value stops the rendering instead of producing a
 * line the device would reject halfway through a push.
 */

function parsePrefix(value: unknown): { address: string; length: number } {
  const text = String(value);
  if (!text.includes('/')) {
    ipaddr.IPv4.parse(text);
    return { address: text, length: 32 };
  }
  const [address, length] = ipaddr.IPv4.parseCIDR(text);
  return { address: address.toString(), length };
}

/** 24 -> 255.255.255.0 (also accepts a prefix such as 192.0.2.0/24). */
export function netmask(value: unknown): string {
  const length =
    typeof value === 'number' || /^\d+$/.test(String(value))
      ? Number(value)
      : parsePrefix(value).length;
  return ipaddr.IPv4.subnetMaskFromPrefixLength(length).toString();
}

/** 192.0.2.0/27 -> 0.0.0.31 (Cisco ACL and OSPF wildcard masks). */
export function wildcard(value: unknown): string {
  return netmask(value)
    .split('.')
    .map(octet => 255 - Number(octet))
    .join('.');
}

/** 192.0.2.33/27 -> 192.0.2.33 */
export function ip(value: unknown): string {
  return parsePrefix(value).address;
}

/** 192.0.2.33/27 -> 27 */
export function prefixLength(value: unknown): number {
  return parsePrefix(value).length;
}

/** 192.0.2.33/27 -> 192.0.2.32 */
export function network(value: unknown): string {
  const { address, length } = parsePrefix(value);
  return ipaddr.IPv4.networkAddressFromCIDR(`${address}/${length}`).toString();
}

/** 192.0.2.33/27 -> 192.0.2.32/27 (a route or filter prefix). */
export function cidr(value: unknown): string {
  return `${network(value)}/${prefixLength(value)}`;
}

/** 192.0.2.33/27 -> "192.0.2.33 255.255.255.224" (IOS interface address). */
export function addressMask(value: unknown): string {
  const { address, length } = parsePrefix(value);
  return `${address} ${netmask(length)}`;
}

/** 192.0.2.32/27 -> "192.0.2.32 255.255.255.224" (IOS route prefix). */
export function networkMask(value: unknown): string {
  return `${network(value)} ${netmask(prefixLength(value))}`;
}

/** ACL operand in IOS form: any, host 192.0.2.1, 192.0.2.0 0.0.0.31 */
export function iosAclOperand(value: unknown): string {
  if (value === 'any') return 'any';
  const { length } = parsePrefix(value);
  if (length === 32) return `host ${ip(value)}`;
  return `${network(value)} ${wildcard(length)}`;
}

/** ACL operand in prefix form (EOS, NX-OS): any, 192.0.2.1/32, 192.0.2.0/27 */
export function aclOperand(value: unknown): string {
  if (value === 'any') return 'any';
  return cidr(value);
}

/** OSPF area as a dotted number: 0 -> 0.0.0.0 */
export function dottedArea(value: unknown): string {
  if (typeof value === 'number' || /^\d+$/.test(String(value))) {
    const n = Number(value);
    return [24, 16, 8, 0].map(s => (n >>> s) & 0xff).join('.');
  }
  ipaddr.IPv4.parse(String(value));
  return String(value);
}

/** The number in an interface name: Port-Channel10 -> 10, ae1000 -> 1000. */
export function interfaceNumber(value: unknown): string {
  const match = /(\d+)$/.exec(String(value));
  if (!match) throw new Error(`"${value}" has no number at its end`);
  return String(Number(match[1]));
}

/** Junos interface device: lo0.0 -> lo0, et-0/0/0 -> et-0/0/0 */
export function junosDevice(value: unknown): string {
  const text = String(value);
  const dot = text.lastIndexOf('.');
  return dot > 0 ? text.slice(0, dot) : text;
}

/** Junos logical unit: lo0.0 -> 0, irb.230 -> 230, et-0/0/0 -> 0 */
export function junosUnit(value: unknown): string {
  const text = String(value);
  const dot = text.lastIndexOf('.');
  return dot > 0 ? text.slice(dot + 1) : '0';
}

/** Junos logical interface: et-0/0/0 -> et-0/0/0.0, lo0.0 -> lo0.0 */
export function junosLogical(value: unknown): string {
  return `${junosDevice(value)}.${junosUnit(value)}`;
}

/** [110, 120] -> "110,120"; ["all"] -> "all" */
export function vlanList(value: unknown): string {
  const list = Array.isArray(value) ? value : [value];
  return list.includes('all') ? 'all' : list.join(',');
}

/** Free text as one word (route names, policy terms): spaces become dashes. */
export function word(value: unknown): string {
  return String(value)
    .trim()
    .replace(/[^\w.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

/** Junos address-book name of a prefix: 203.0.113.196/32 -> net-203.0.113.196-32 */
export function addressBookName(value: unknown): string {
  if (value === 'any') return 'any';
  return `net-${cidr(value).replace('/', '-')}`;
}

/** 10 -> "0a": one byte in hex, for MAC-style identifiers. */
export function hexByte(value: unknown): string {
  const n = Number(value);
  return (n & 0xff).toString(16).padStart(2, '0');
}

/** The largest number of a list (of numbers or numeric strings). */
export function largest(value: unknown): number {
  const list = (Array.isArray(value) ? value : [value]).map(Number);
  return list.length ? Math.max(...list) : 0;
}

/** The values of one attribute of a list of objects. */
export function pluck(value: unknown, attribute: unknown): unknown[] {
  return (Array.isArray(value) ? value : []).map(
    item => (item as Record<string, unknown>)[String(attribute)],
  );
}

/** SHA-2 crypt style check so templates never write a clear-text secret. */
export function hashed(value: unknown): string {
  const text = String(value);
  if (!/^\$[\w-]+\$\S+$/.test(text)) {
    throw new Error('refusing to write a secret that is not hashed');
  }
  return text;
}

const FILTERS: Record<string, (value: unknown, ...args: unknown[]) => unknown> =
  {
    netmask,
    wildcard,
    ip,
    prefixLength,
    network,
    cidr,
    addressMask,
    networkMask,
    iosAclOperand,
    aclOperand,
    dottedArea,
    interfaceNumber,
    junosDevice,
    junosUnit,
    junosLogical,
    vlanList,
    word,
    addressBookName,
    hexByte,
    largest,
    pluck,
    hashed,
  };

export function addTemplateFilters(env: nunjucks.Environment) {
  for (const [name, filter] of Object.entries(FILTERS)) {
    env.addFilter(name, filter);
  }
}
