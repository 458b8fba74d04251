import ipaddr from 'ipaddr.js';

// ipaddr's generic parsers try IPv6 first and throw on every IPv4 string;
// picking the family by its separator is several times cheaper, and the
// catalog sync and serial checks parse addresses for every device.
function parseAddress(value: string): ipaddr.IPv4 | ipaddr.IPv6 {
  return value.includes(':')
    ? ipaddr.IPv6.parse(value)
    : ipaddr.IPv4.parse(value);
}

function parseCidr(value: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  return value.includes(':')
    ? ipaddr.IPv6.parseCIDR(value)
    : ipaddr.IPv4.parseCIDR(value);
}
import { z } from 'zod';
import {
  ANNOTATION_DEFAULT_GATEWAY,
  ANNOTATION_HOSTNAME,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_MANAGEMENT_ADDRESS,
  ANNOTATION_MANAGEMENT_INTERFACE,
  ANNOTATION_MANAGEMENT_VRF,
  ANNOTATION_MODEL,
  ANNOTATION_PLATFORM,
  ANNOTATION_ROLE,
  ANNOTATION_SERIAL,
  ANNOTATION_SERIAL_TEMPORARY,
  ANNOTATION_SITE,
  ANNOTATION_SSH_PORT,
  ANNOTATION_SWITCH_PORT,
  ANNOTATION_VARIABLES,
} from './annotations';
import { isValidModel } from './models';

/**
 * Chassis serials across vendors are 4 to 40 letters and digits, sometimes
 * with dashes (Cisco FOC2148Z0AB, Arista SSJ17371234, Juniper JN11D3F4AAFA).
 * @public
 */
export const SERIAL_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{2,38})[A-Za-z0-9]$/;

/** Compares serials the way devices print them: case and spaces ignored. @public */
export function normalizeSerial(serial: string): string {
  return serial.trim().toUpperCase();
}

/** @public */
export function serialsMatch(a: string, b: string): boolean {
  return normalizeSerial(a) === normalizeSerial(b);
}

/** Returns a message saying what is wrong with a serial, or undefined. @public */
export function validateSerial(value: string): string | undefined {
  const s = value.trim();
  if (!s) return 'Serial number is required';
  if (!SERIAL_PATTERN.test(s)) {
    return `"${s}" is not a serial number: use 4 to 40 letters, digits and inner dashes`;
  }
  return undefined;
}

const MAC_FORMS = [
  /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$/i,
  /^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i,
];

/**
 * Normalises a MAC written as aa:bb:cc:dd:ee:ff, aa-bb-..., aabb.ccdd.eeff or
 * aabbccddeeff to lower-case colon form; undefined when it is not a MAC.
 * @public
 */
export function normalizeMac(value: string): string | undefined {
  const v = value.trim();
  for (const form of MAC_FORMS) {
    const m = form.exec(v);
    if (m) return m.slice(1, 7).join(':').toLowerCase();
  }
  return undefined;
}

const HOSTNAME_PATTERN =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** @public */
export function isValidHostname(value: string): boolean {
  return HOSTNAME_PATTERN.test(value);
}

// Both end up in device configurations: one token, nothing a CLI would read
// as a second word or a new line.
const INTERFACE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9/._:-]{0,63}$/;
const VRF_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/** An interface name as CLIs write it, e.g. GigabitEthernet0/0, fxp0. @public */
export function isValidInterfaceName(value: string): boolean {
  return INTERFACE_NAME_PATTERN.test(value);
}

/** A VRF (routing instance) name, e.g. Mgmt-vrf, management. @public */
export function isValidVrfName(value: string): boolean {
  return VRF_NAME_PATTERN.test(value);
}

// A relay's circuit ID as text (what Kea's reservation quotes, so no quote
// characters), or its bytes in hex with a 0x prefix.
const CIRCUIT_ID_TEXT_PATTERN =
  /^[\x21-\x26\x28-\x7e][\x20-\x26\x28-\x7e]{0,62}$/;
const CIRCUIT_ID_HEX_PATTERN = /^0x(?:[0-9a-fA-F]{2}){1,63}$/;

/**
 * A switch port as a DHCP relay's option 82 circuit ID: printable text
 * (e.g. leaf-01:Ethernet1/1) or 0x-prefixed hex bytes. @public
 */
export function isValidSwitchPort(value: string): boolean {
  return (
    CIRCUIT_ID_HEX_PATTERN.test(value) ||
    (!value.startsWith('0x') &&
      !value.endsWith(' ') &&
      CIRCUIT_ID_TEXT_PATTERN.test(value))
  );
}

/** Parses "a.b.c.d/len" (IPv4 or IPv6); undefined when malformed. @public */
export function parseInterfaceAddress(
  value: string,
): { ip: string; prefixLength: number; family: 'ipv4' | 'ipv6' } | undefined {
  const v = value.trim();
  if (!v.includes('/')) return undefined;
  try {
    const [addr, len] = parseCidr(v);
    if (addr.kind() === 'ipv4' && len === 32) return undefined;
    return { ip: addr.toString(), prefixLength: len, family: addr.kind() };
  } catch {
    return undefined;
  }
}

/** @public */
export function isValidIp(value: string): boolean {
  return ipaddr.isValid(value.trim()) && !value.includes('/');
}

/** True when ip lies inside the network of address/len. @public */
export function ipInSubnet(ip: string, cidr: string): boolean {
  try {
    const addr = parseAddress(ip);
    const [net, len] = parseCidr(cidr);
    if (addr.kind() !== net.kind()) return false;
    return addr.match(net, len);
  } catch {
    return false;
  }
}

/**
 * A platform a declaration may name: its id, or its id and its own rules
 * (a platform's backend module gives both; see ZtpPlatformDriver).
 * @public
 */
export type DevicePlatform =
  | string
  | {
      id: string;
      /** What is wrong with the declared management port, VRF or model. */
      declarationProblems?(declaration: {
        managementInterface?: string;
        managementVrf?: string;
        model?: string;
      }): string[];
      /** The management port of a model, when the declaration names none. */
      defaultManagementInterface?(model: string): string | undefined;
    };

/** A device's ZTP declaration, validated and normalised. @public */
export type DeviceDeclaration = {
  serial: string;
  serialTemporary: boolean;
  platform: string;
  managementAddress: string;
  managementIp: string;
  prefixLength: number;
  /**
   * Set when the declaration names one, or (Junos) when its declared model
   * has a known management port; the platform's default otherwise.
   */
  managementInterface?: string;
  /** The chassis model the declaration names, e.g. EX4300-48T. */
  model?: string;
  managementVrf?: string;
  defaultGateway?: string;
  macAddress?: string;
  hostname?: string;
  sshPort: number;
  site?: string;
  role?: string;
  variables?: string;
  /** The relay's circuit ID of the port the device is cabled to. */
  switchPort?: string;
};

/**
 * Builds the zod schema of a device's ZTP annotations. The platform list is a
 * parameter because backend modules can add platforms.
 * @public
 */
export function deviceAnnotationsSchema(platforms: readonly string[]) {
  // One string annotation, checked by a function that says what is wrong.
  const checked = (name: string, check: (v: string) => string | undefined) =>
    z.string({ error: `${name}: must be a string` }).superRefine((v, ctx) => {
      const problem = check(v);
      if (problem)
        ctx.addIssue({ code: 'custom', message: `${name}: ${problem}` });
    });
  return z.object({
    [ANNOTATION_SERIAL]: checked(ANNOTATION_SERIAL, validateSerial),
    [ANNOTATION_SERIAL_TEMPORARY]: checked(ANNOTATION_SERIAL_TEMPORARY, v =>
      v === 'true' || v === 'false'
        ? undefined
        : `"${v}" must be "true" or "false"`,
    ).optional(),
    [ANNOTATION_PLATFORM]: checked(ANNOTATION_PLATFORM, v =>
      platforms.includes(v)
        ? undefined
        : `unknown platform "${v}"; known platforms are ${platforms.join(
            ', ',
          )}`,
    ),
    [ANNOTATION_MANAGEMENT_ADDRESS]: checked(ANNOTATION_MANAGEMENT_ADDRESS, v =>
      parseInterfaceAddress(v)
        ? undefined
        : `"${v}" is not an IP address with a prefix length (like 127.0.10.11/24)`,
    ),
    [ANNOTATION_MANAGEMENT_INTERFACE]: checked(
      ANNOTATION_MANAGEMENT_INTERFACE,
      v =>
        isValidInterfaceName(v)
          ? undefined
          : `${JSON.stringify(
              v,
            )} is not an interface name (like GigabitEthernet0/0, mgmt0, fxp0)`,
    ).optional(),
    [ANNOTATION_MANAGEMENT_VRF]: checked(ANNOTATION_MANAGEMENT_VRF, v =>
      isValidVrfName(v)
        ? undefined
        : `${JSON.stringify(
            v,
          )} is not a VRF name (letters, digits, _ . -, up to 32)`,
    ).optional(),
    [ANNOTATION_MODEL]: checked(ANNOTATION_MODEL, v =>
      isValidModel(v)
        ? undefined
        : `${JSON.stringify(
            v,
          )} is not a chassis model (letters, digits, . _ + / -, up to 64, like EX4300-48T)`,
    ).optional(),
    [ANNOTATION_DEFAULT_GATEWAY]: checked(ANNOTATION_DEFAULT_GATEWAY, v =>
      isValidIp(v) ? undefined : `"${v}" is not an IP address`,
    ).optional(),
    [ANNOTATION_MAC_ADDRESS]: checked(ANNOTATION_MAC_ADDRESS, v =>
      normalizeMac(v)
        ? undefined
        : `"${v}" is not a MAC address (like 52:54:00:12:34:56)`,
    ).optional(),
    [ANNOTATION_HOSTNAME]: checked(ANNOTATION_HOSTNAME, v =>
      isValidHostname(v) ? undefined : `"${v}" is not a valid hostname`,
    ).optional(),
    [ANNOTATION_SSH_PORT]: checked(ANNOTATION_SSH_PORT, v =>
      /^\d{1,5}$/.test(v) && Number(v) >= 1 && Number(v) <= 65535
        ? undefined
        : `"${v}" is not a TCP port (1-65535)`,
    ).optional(),
    [ANNOTATION_SWITCH_PORT]: checked(ANNOTATION_SWITCH_PORT, v =>
      isValidSwitchPort(v)
        ? undefined
        : `${JSON.stringify(
            v,
          )} is not a circuit ID: printable text without quotes, up to 63 characters (like leaf-01:Ethernet1/1), or 0x and hex bytes`,
    ).optional(),
    [ANNOTATION_SITE]: z.string().optional(),
    [ANNOTATION_ROLE]: z.string().optional(),
    [ANNOTATION_VARIABLES]: z.string().optional(),
  });
}

// Building a zod schema costs far more than using one: the catalog sync
// validates every device on every run, so keep one per platform list.
const schemas = new Map<string, ReturnType<typeof deviceAnnotationsSchema>>();
function cachedSchema(platforms: readonly string[]) {
  const key = platforms.join('\n');
  let schema = schemas.get(key);
  if (!schema) {
    schema = deviceAnnotationsSchema(platforms);
    schemas.set(key, schema);
  }
  return schema;
}

function platformRules(platforms: readonly DevicePlatform[], id: string) {
  const rules = platforms.find(p => typeof p !== 'string' && p.id === id);
  return typeof rules === 'string' ? undefined : rules;
}

/** Problems that involve more than one annotation. */
function crossFieldProblems(
  a: Record<string, string>,
  platforms: readonly DevicePlatform[],
): string[] {
  const problems: string[] = [];
  if (!a[ANNOTATION_MAC_ADDRESS] && !a[ANNOTATION_HOSTNAME]) {
    problems.push(
      `a device needs ${ANNOTATION_MAC_ADDRESS} or ${ANNOTATION_HOSTNAME} (or both) to be recognised when it boots`,
    );
  }
  const gw = a[ANNOTATION_DEFAULT_GATEWAY];
  const mgmt = a[ANNOTATION_MANAGEMENT_ADDRESS];
  if (
    gw &&
    mgmt &&
    isValidIp(gw) &&
    parseInterfaceAddress(mgmt) &&
    !ipInSubnet(gw, mgmt)
  ) {
    problems.push(
      `${ANNOTATION_DEFAULT_GATEWAY}: ${gw} is outside the management network ${mgmt}`,
    );
  }
  const rules = platformRules(platforms, a[ANNOTATION_PLATFORM]);
  if (rules) {
    problems.push(
      ...(rules.declarationProblems?.({
        managementInterface: a[ANNOTATION_MANAGEMENT_INTERFACE],
        managementVrf: a[ANNOTATION_MANAGEMENT_VRF],
        model: a[ANNOTATION_MODEL],
      }) ?? []),
    );
  }
  return problems;
}

/**
 * Validates the ZTP annotations of a device. Returns the declaration, or the
 * list of what is wrong, one message per problem.
 * @public
 */
export function parseDeviceAnnotations(
  annotations: Record<string, string | undefined>,
  platforms: readonly DevicePlatform[],
):
  | { ok: true; declaration: DeviceDeclaration }
  | { ok: false; errors: string[] } {
  const relevant = Object.fromEntries(
    Object.entries(annotations).filter(
      ([k, v]) => k.startsWith('ztp.network/') && v !== undefined,
    ),
  );
  const result = cachedSchema(
    platforms.map(p => (typeof p === 'string' ? p : p.id)),
  ).safeParse(relevant);
  const errors = [
    ...(result.success
      ? []
      : result.error.issues.map(i =>
          i.code === 'invalid_type' && i.path.length
            ? `${String(i.path[0])}: is required`
            : i.message,
        )),
    ...crossFieldProblems(relevant as Record<string, string>, platforms),
  ];
  if (!result.success || errors.length) {
    return { ok: false, errors };
  }
  const a = result.data;
  const mgmt = parseInterfaceAddress(a[ANNOTATION_MANAGEMENT_ADDRESS])!;
  return {
    ok: true,
    declaration: {
      serial: a[ANNOTATION_SERIAL].trim(),
      serialTemporary: a[ANNOTATION_SERIAL_TEMPORARY] === 'true',
      platform: a[ANNOTATION_PLATFORM],
      managementAddress: `${mgmt.ip}/${mgmt.prefixLength}`,
      managementIp: mgmt.ip,
      prefixLength: mgmt.prefixLength,
      managementInterface:
        a[ANNOTATION_MANAGEMENT_INTERFACE] ??
        (a[ANNOTATION_MODEL]
          ? platformRules(
              platforms,
              a[ANNOTATION_PLATFORM],
            )?.defaultManagementInterface?.(a[ANNOTATION_MODEL])
          : undefined),
      model: a[ANNOTATION_MODEL],
      managementVrf: a[ANNOTATION_MANAGEMENT_VRF],
      defaultGateway: a[ANNOTATION_DEFAULT_GATEWAY]?.trim(),
      macAddress: a[ANNOTATION_MAC_ADDRESS]
        ? normalizeMac(a[ANNOTATION_MAC_ADDRESS])
        : undefined,
      hostname: a[ANNOTATION_HOSTNAME],
      sshPort: a[ANNOTATION_SSH_PORT] ? Number(a[ANNOTATION_SSH_PORT]) : 22,
      site: a[ANNOTATION_SITE],
      role: a[ANNOTATION_ROLE],
      variables: a[ANNOTATION_VARIABLES],
      switchPort: a[ANNOTATION_SWITCH_PORT],
    },
  };
}
