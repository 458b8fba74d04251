import { z } from 'zod';

/*
 * The final-configuration variables file a device entity points to with the
 * ztp.network/variables annotation (see examples/fleet/vars/*.yaml). Objects
 * keep keys this schema does not know, so that site templates can use fields
 * of their own; the known ones are checked here so that a typo in an address
 * or a reference to a missing interface is reported before anything is
 * rendered, let alone pushed.
 */

const ipv4 = z.ipv4({ error: 'expected an IPv4 address such as 192.0.2.1' });
const prefix = z.cidrv4({
  error: 'expected an IPv4 prefix with its length, such as 192.0.2.0/24',
});
const name = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .regex(/^[\w.:/@+-]+$/, 'expected a name without spaces or quotes');
const text = z
  .string()
  .max(240)
  .refine(v => !/["\\\r\n{};]/.test(v), {
    error:
      'must not contain quotes, backslashes, braces, semicolons or newlines',
  });
const vlanId = z.number().int().min(1).max(4094);
const vlanList = z.array(z.union([vlanId, z.literal('all')]));
const port = z.union([z.number().int().min(1).max(65535), z.string()]);

const interfaceSchema = z.looseObject({
  name,
  description: text.optional(),
  address: prefix.optional(),
  mtu: z.number().int().min(576).max(9216).optional(),
  lag: name.optional(),
  mode: z.enum(['access', 'trunk', 'routed']).optional(),
  vlan: vlanId.optional(),
  vlans: vlanList.optional(),
  acl_in: name.optional(),
  acl_out: name.optional(),
  zone: name.optional(),
  shutdown: z.boolean().optional(),
});

const lagSchema = z.looseObject({
  name,
  description: text.optional(),
  members: z.array(name).min(1),
  lacp: z.enum(['active', 'passive', 'on']).default('active'),
  mode: z.enum(['access', 'trunk', 'routed']).optional(),
  vlan: vlanId.optional(),
  vlans: vlanList.optional(),
  address: prefix.optional(),
  mtu: z.number().int().min(576).max(9216).optional(),
  multichassis_id: z.number().int().min(1).max(4095).optional(),
});

const vlanSchema = z.looseObject({
  id: vlanId,
  name: name.optional(),
  description: text.optional(),
  gateway: prefix.optional(),
  interface: name.optional(),
});

const staticRouteSchema = z.looseObject({
  prefix,
  next_hop: z.union([ipv4, z.literal('discard')]),
  vrf: name.optional(),
  description: text.optional(),
  distance: z.number().int().min(1).max(255).optional(),
});

const ospfSchema = z.looseObject({
  process: z.number().int().min(1).max(65535).default(1),
  router_id: ipv4.optional(),
  default_originate: z.boolean().optional(),
  areas: z
    .array(
      z.looseObject({
        area: z.union([z.number().int().min(0), ipv4]),
        interfaces: z.array(
          z.looseObject({
            name,
            type: z.enum(['point-to-point', 'broadcast']).optional(),
            passive: z.boolean().optional(),
            cost: z.number().int().min(1).max(65535).optional(),
          }),
        ),
      }),
    )
    .min(1),
});

const bgpSchema = z.looseObject({
  asn: z.number().int().min(1).max(4294967295),
  router_id: ipv4.optional(),
  maximum_paths: z.number().int().min(1).max(64).optional(),
  neighbors: z
    .array(
      z.looseObject({
        address: ipv4,
        remote_as: z.number().int().min(1).max(4294967295),
        description: text.optional(),
        import_policy: name.optional(),
        export_policy: name.optional(),
        update_source: name.optional(),
      }),
    )
    .default([]),
  networks: z.array(prefix).default([]),
});

const aclEntrySchema = z.looseObject({
  seq: z.number().int().min(2).max(4294967),
  action: z.enum(['permit', 'deny']),
  protocol: z.union([
    z.enum(['ip', 'tcp', 'udp', 'icmp']),
    z.number().int().min(0).max(255),
  ]),
  source: z.union([z.literal('any'), prefix, ipv4]),
  destination: z.union([z.literal('any'), prefix, ipv4]),
  port: port.optional(),
  source_port: port.optional(),
  log: z.boolean().optional(),
  remark: text.optional(),
});

const aclSchema = z.looseObject({
  name,
  description: text.optional(),
  from_zone: name.optional(),
  to_zone: name.optional(),
  entries: z.array(aclEntrySchema).min(1),
  apply: z
    .array(
      z.looseObject({
        to: name,
        direction: z.enum(['in', 'out']).default('in'),
      }),
    )
    .default([]),
});

/** A hashed secret in the platform's crypt format; clear text is refused. */
const secretHash = z
  .string()
  .regex(
    /^\$[\w-]+\$\S+$/,
    "expected a hashed secret in the platform's crypt format (such as $6$... or $9$...); clear-text secrets are not accepted in variables files",
  );

const aaaSchema = z.looseObject({
  users: z
    .array(
      z.looseObject({
        name,
        role: z.enum(['admin', 'operator', 'read-only']).default('admin'),
        secret_hash: secretHash,
      }),
    )
    .default([]),
  tacacs: z
    .looseObject({
      servers: z.array(ipv4).min(1),
      /** The shared key in the platform's encrypted form (type 7, $9$...). */
      key_encrypted: z.string().regex(/^\S+$/),
      source_interface: name.optional(),
    })
    .optional(),
  /** Junos: root's own password, replacing the bootstrap one. */
  root_secret_hash: secretHash.optional(),
});

export const finalConfigVariablesSchema = z.looseObject({
  device: z
    .looseObject({
      hostname: name.optional(),
      domain: name.optional(),
      platform: name.optional(),
      model: name.optional(),
      role: name.optional(),
      site: name.optional(),
    })
    .default({}),
  management: z
    .looseObject({
      interface: name.optional(),
      vrf: name.optional(),
      address: prefix.optional(),
      gateway: ipv4.optional(),
    })
    .default({}),
  services: z
    .looseObject({
      dns: z.array(ipv4).default([]),
      ntp: z.array(ipv4).default([]),
      syslog: z.array(ipv4).default([]),
    })
    .default({ dns: [], ntp: [], syslog: [] }),
  interfaces: z.array(interfaceSchema).default([]),
  lags: z.array(lagSchema).default([]),
  vlans: z.array(vlanSchema).default([]),
  routing: z
    .looseObject({
      static: z.array(staticRouteSchema).default([]),
      ospf: ospfSchema.optional(),
      bgp: bgpSchema.optional(),
    })
    .default({ static: [] }),
  acls: z.array(aclSchema).default([]),
  zones: z
    .array(
      z.looseObject({
        name,
        interfaces: z.array(name).default([]),
        host_inbound: z.array(name).optional(),
      }),
    )
    .default([]),
  multichassis: z
    .looseObject({
      peer: name,
      domain_id: z.number().int().min(1).max(1000),
      peer_link: name,
      local_address: prefix,
      peer_address: ipv4,
    })
    .optional(),
  aaa: aaaSchema.optional(),
  banner: z.string().max(2000).optional(),
  ssh: z
    .looseObject({
      /** Idle sessions are closed after this many minutes (default 10). */
      idle_timeout_minutes: z.number().int().min(1).max(60).default(10),
    })
    .default({ idle_timeout_minutes: 10 }),
});

export type FinalConfigVariables = z.infer<typeof finalConfigVariablesSchema>;
export type VariablesInterface = FinalConfigVariables['interfaces'][number];
export type VariablesLag = FinalConfigVariables['lags'][number];
export type VariablesAcl = FinalConfigVariables['acls'][number];

/** Thrown when a variables file does not hold valid variables. */
export class InvalidVariablesError extends Error {
  readonly problems: string[];
  constructor(source: string, problems: string[]) {
    super(`The variables file ${source} is not valid: ${problems.join('; ')}`);
    this.name = 'InvalidVariablesError';
    this.problems = problems;
  }
}

function where(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((p, i) =>
      typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`,
    )
    .join('');
}

/** Names that traffic filters may be applied to besides interfaces. */
const APPLY_TARGETS = new Set(['ssh']);

/** References between sections that the schema alone cannot check. */
function crossReferenceProblems(v: FinalConfigVariables): string[] {
  const problems: string[] = [];
  const lags = new Set(v.lags.map(l => l.name));
  const interfaces = new Set([
    ...v.interfaces.map(i => i.name),
    ...v.lags.map(l => l.name),
    ...v.vlans.flatMap(vl => (vl.interface ? [vl.interface] : [])),
  ]);
  if (v.management.interface) interfaces.add(v.management.interface);
  const acls = new Set(v.acls.map(a => a.name));

  v.interfaces.forEach((i, n) => {
    if (i.lag && !lags.has(i.lag)) {
      problems.push(`interfaces[${n}].lag: no LAG named ${i.lag} in lags`);
    }
    for (const key of ['acl_in', 'acl_out'] as const) {
      const acl = i[key];
      if (acl && !acls.has(acl)) {
        problems.push(`interfaces[${n}].${key}: no ACL named ${acl} in acls`);
      }
    }
  });
  const names = new Set<string>();
  v.interfaces.forEach((i, n) => {
    if (names.has(i.name)) {
      problems.push(`interfaces[${n}].name: ${i.name} is listed twice`);
    }
    names.add(i.name);
  });
  v.lags.forEach((l, n) =>
    l.members.forEach((m, k) => {
      const member = v.interfaces.find(i => i.name === m);
      if (member?.lag && member.lag !== l.name) {
        problems.push(
          `lags[${n}].members[${k}]: ${m} is a member of ${member.lag} in interfaces`,
        );
      }
    }),
  );
  v.acls.forEach((a, n) => {
    a.apply.forEach((ap, k) => {
      if (!APPLY_TARGETS.has(ap.to) && !interfaces.has(ap.to)) {
        problems.push(
          `acls[${n}].apply[${k}].to: ${ap.to} is neither "ssh" nor an interface, LAG or VLAN interface of this device`,
        );
      }
    });
    const seqs = new Set<number>();
    a.entries.forEach((e, k) => {
      if (seqs.has(e.seq)) {
        problems.push(`acls[${n}].entries[${k}].seq: ${e.seq} is used twice`);
      }
      seqs.add(e.seq);
      if (
        (e.port !== undefined || e.source_port !== undefined) &&
        e.protocol !== 'tcp' &&
        e.protocol !== 'udp'
      ) {
        problems.push(
          `acls[${n}].entries[${k}].port: ports need protocol tcp or udp`,
        );
      }
    });
    if (Boolean(a.from_zone) !== Boolean(a.to_zone)) {
      problems.push(`acls[${n}]: from_zone and to_zone go together`);
    }
  });
  v.routing.ospf?.areas.forEach((area, n) =>
    area.interfaces.forEach((oi, k) => {
      if (!interfaces.has(oi.name)) {
        problems.push(
          `routing.ospf.areas[${n}].interfaces[${k}].name: no interface ${oi.name} on this device`,
        );
      }
    }),
  );
  if (v.multichassis && !lags.has(v.multichassis.peer_link)) {
    problems.push(
      `multichassis.peer_link: no LAG named ${v.multichassis.peer_link} in lags`,
    );
  }
  return problems;
}

/**
 * Checks parsed YAML against the variables schema and the references
 * between its sections; throws InvalidVariablesError naming every problem
 * with its path.
 */
export function parseFinalConfigVariables(
  data: unknown,
  source: string,
): FinalConfigVariables {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new InvalidVariablesError(source, [
      'expected a YAML mapping of variables (device, interfaces, routing, acls...)',
    ]);
  }
  const parsed = finalConfigVariablesSchema.safeParse(data);
  if (!parsed.success) {
    throw new InvalidVariablesError(
      source,
      parsed.error.issues.map(i =>
        i.path.length ? `${where(i.path)}: ${i.message}` : i.message,
      ),
    );
  }
  const problems = crossReferenceProblems(parsed.data);
  if (problems.length) throw new InvalidVariablesError(source, problems);
  return parsed.data;
}
