import {
  ANNOTATION_HOSTNAME,
  ANNOTATION_MANAGEMENT_ADDRESS,
  ANNOTATION_MANAGEMENT_INTERFACE,
  ANNOTATION_MANAGEMENT_VRF,
  ANNOTATION_PLATFORM,
  ANNOTATION_ROLE,
  ANNOTATION_SITE,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { PlatformFinalConfig } from '@ztp-portal/backstage-plugin-ztp-node';
import type {
  Applied,
  FinalConfigCatalogView,
  FinalConfigDevice,
  FinalConfigModel,
  ModelInterface,
  ModelLag,
  ModelSvi,
  OspfMembership,
} from './modelTypes';
import type {
  FinalConfigVariables,
  VariablesInterface,
  VariablesLag,
} from './variables';

export { relatedRefs } from './relatedRefs';
export type {
  FinalConfigCatalogView,
  FinalConfigDevice,
  FinalConfigModel,
  ModelAcl,
  ModelInterface,
  ModelLag,
  ModelSvi,
} from './modelTypes';

/** For a platform that names no SVI: the name most CLIs use. */
const DEFAULT_DIALECT = { sviName: (id: number) => `Vlan${id}` };

const LOOPBACK = /^(?:loopback|lo)\d/i;

function numberOf(name: string): string {
  const match = /(\d+)$/.exec(name);
  return match ? String(Number(match[1])) : name;
}

function appliedFilters(vars: FinalConfigVariables) {
  const inbound = new Map<string, string>();
  const outbound = new Map<string, string>();
  for (const acl of vars.acls) {
    if (acl.from_zone) continue;
    for (const a of acl.apply) {
      (a.direction === 'out' ? outbound : inbound).set(a.to, acl.name);
    }
  }
  for (const i of vars.interfaces) {
    if (i.acl_in) inbound.set(i.name, i.acl_in);
    if (i.acl_out) outbound.set(i.name, i.acl_out);
  }
  return { inbound, outbound };
}

function ospfMemberships(vars: FinalConfigVariables) {
  const byName = new Map<string, OspfMembership>();
  const ospf = vars.routing.ospf;
  for (const area of ospf?.areas ?? []) {
    for (const i of area.interfaces) {
      byName.set(i.name, {
        process: ospf!.process,
        area: area.area,
        type: i.type,
        passive: i.passive ?? false,
        cost: i.cost,
      });
    }
  }
  return byName;
}

function interfaceKind(i: VariablesInterface): ModelInterface['kind'] {
  if (i.lag) return 'member';
  if (LOOPBACK.test(i.name)) return 'loopback';
  if (i.address || i.mode === 'routed') return 'routed';
  if (i.mode === 'trunk' || i.vlans) return 'trunk';
  if (i.mode === 'access' || i.vlan) return 'access';
  return 'unused';
}

function lagKind(l: VariablesLag): ModelLag['kind'] {
  if (l.address || l.mode === 'routed') return 'routed';
  if (l.mode === 'access' || (l.vlan && !l.vlans)) return 'access';
  return 'trunk';
}

function entityView(e: Entity) {
  const a = e.metadata.annotations ?? {};
  return {
    ref: stringifyEntityRef(e),
    name: e.metadata.name,
    title: e.metadata.title,
    hostname: a[ANNOTATION_HOSTNAME] ?? e.metadata.name,
    platform: a[ANNOTATION_PLATFORM],
    role: a[ANNOTATION_ROLE],
    managementAddress: a[ANNOTATION_MANAGEMENT_ADDRESS],
  };
}

/**
 * The management port (or its VRF) from the variables file or the
 * declaration. The minimal configuration addressed the declared one; a final
 * configuration that moved the address elsewhere would cut the device off.
 */
function declaredOnce(
  what: 'interface' | 'vrf',
  fromVariables: string | undefined,
  declared: string | undefined,
): string | undefined {
  if (fromVariables && declared && fromVariables !== declared) {
    const annotation =
      what === 'interface'
        ? ANNOTATION_MANAGEMENT_INTERFACE
        : ANNOTATION_MANAGEMENT_VRF;
    throw new InputError(
      `management.${what} is ${fromVariables} in the variables file but the device declares ${declared} (${annotation}), which its minimal configuration used; make them agree`,
    );
  }
  return fromVariables ?? declared;
}

/**
 * Builds what templates render from: the device, its catalog neighbourhood
 * and its variables, with the cross-references resolved (which filter and
 * OSPF area each interface has, which ports belong to which LAG...) so that
 * templates only have to write each platform's syntax.
 */
export function buildFinalConfigModel(
  device: FinalConfigDevice,
  catalog: FinalConfigCatalogView,
  vars: FinalConfigVariables,
  /** The platform's words: a VLAN's layer-3 interface name. */
  dialect: Pick<PlatformFinalConfig, 'sviName'> = DEFAULT_DIALECT,
): FinalConfigModel {
  const { entity } = catalog;
  const annotations = entity.metadata.annotations ?? {};
  const { inbound, outbound } = appliedFilters(vars);
  const ospfByName = ospfMemberships(vars);
  const applied = (name: string): Applied => ({
    aclIn: inbound.get(name),
    aclOut: outbound.get(name),
    ospf: ospfByName.get(name),
  });
  const lagsByName = new Map(vars.lags.map(l => [l.name, l]));
  const managementInterface = declaredOnce(
    'interface',
    vars.management.interface,
    device.managementInterface,
  );

  const memberNames = new Set(vars.lags.flatMap(l => l.members));
  const listed = vars.interfaces.filter(i => i.name !== managementInterface);
  // LAG members that are only named in lags[].members still need config.
  const implicitMembers: VariablesInterface[] = vars.lags.flatMap(l =>
    l.members
      .filter(m => !listed.some(i => i.name === m))
      .map(m => ({ name: m, lag: l.name })),
  );
  const interfaces: ModelInterface[] = [...listed, ...implicitMembers].map(
    i => {
      const lagName =
        i.lag ??
        (memberNames.has(i.name)
          ? vars.lags.find(l => l.members.includes(i.name))?.name
          : undefined);
      const lag = lagName ? lagsByName.get(lagName) : undefined;
      const withLag = lagName ? { ...i, lag: lagName } : i;
      return {
        ...withLag,
        ...applied(i.name),
        kind: interfaceKind(withLag),
        channel: lag
          ? { number: numberOf(lag.name), lacp: lag.lacp, name: lag.name }
          : undefined,
      };
    },
  );

  const lags: ModelLag[] = vars.lags.map(l => ({
    ...l,
    // A LAG carries the MTU of its members unless it says otherwise.
    mtu:
      l.mtu ??
      (Math.max(
        0,
        ...interfaces.filter(i => i.lag === l.name && i.mtu).map(i => i.mtu!),
      ) ||
        undefined),
    ...applied(l.name),
    kind: lagKind(l),
    number: numberOf(l.name),
    peerLink: vars.multichassis?.peer_link === l.name,
  }));

  const svis: ModelSvi[] = vars.vlans
    .filter(v => v.gateway)
    .map(v => {
      const name = v.interface ?? dialect.sviName(v.id);
      return {
        id: v.id,
        name: v.name ?? `VLAN${v.id}`,
        interface: name,
        gateway: v.gateway!,
        description: v.description ?? v.name,
        ...applied(name),
      };
    });

  const filters = vars.acls
    .filter(a => !a.from_zone)
    .map(a => ({ ...a, ssh: a.apply.some(ap => ap.to === 'ssh') }));
  const zonePolicies = vars.acls
    .filter(a => a.from_zone)
    .map(a => ({ ...a, ssh: false }));

  const zoneMap = new Map<string, Set<string>>();
  for (const z of vars.zones) {
    zoneMap.set(z.name, new Set(z.interfaces));
  }
  for (const i of vars.interfaces) {
    if (i.zone) {
      if (!zoneMap.has(i.zone)) zoneMap.set(i.zone, new Set());
      zoneMap.get(i.zone)!.add(i.name);
    }
  }
  const zones = [...zoneMap].map(([name, members]) => ({
    name,
    interfaces: [...members],
    host_inbound: vars.zones.find(z => z.name === name)?.host_inbound,
  }));

  const managementVrf = declaredOnce(
    'vrf',
    vars.management.vrf,
    device.managementVrf,
  );
  const vrfNames = new Set<string>();
  const globalRoutes = vars.routing.static.filter(r => !r.vrf);
  const byVrf = new Map<string, FinalConfigVariables['routing']['static']>();
  for (const r of vars.routing.static) {
    if (!r.vrf) continue;
    if (r.vrf !== managementVrf) vrfNames.add(r.vrf);
    byVrf.set(r.vrf, [...(byVrf.get(r.vrf) ?? []), r]);
  }

  const ospf = vars.routing.ospf
    ? {
        ...vars.routing.ospf,
        passiveInterfaces: vars.routing.ospf.areas.flatMap(a =>
          a.interfaces.filter(i => i.passive).map(i => i.name),
        ),
      }
    : undefined;
  const bgpVars = vars.routing.bgp;
  const bgp = bgpVars
    ? {
        ...bgpVars,
        importPolicies: [
          ...new Set(
            bgpVars.neighbors.flatMap(n =>
              n.import_policy ? [n.import_policy] : [],
            ),
          ),
        ],
        exportPolicies: [
          ...new Set(
            bgpVars.neighbors.flatMap(n =>
              n.export_policy ? [n.export_policy] : [],
            ),
          ),
        ],
      }
    : undefined;

  const hostname = vars.device.hostname ?? device.hostname;
  const mc = vars.multichassis;
  const multichassis = mc
    ? {
        ...mc,
        primary: hostname.localeCompare(mc.peer, 'en') < 0,
        peerLinkNumber: numberOf(mc.peer_link),
        peerManagementIp:
          catalog.peer?.metadata.annotations?.[
            ANNOTATION_MANAGEMENT_ADDRESS
          ]?.split('/')[0],
      }
    : undefined;

  const sshAcl = filters.find(f => f.ssh)?.name;

  return {
    device: {
      entityRef: device.entityRef,
      name: entity.metadata.name,
      namespace: entity.metadata.namespace ?? 'default',
      title: entity.metadata.title,
      description: entity.metadata.description,
      labels: entity.metadata.labels ?? {},
      annotations,
      tags: entity.metadata.tags ?? [],
      hostname,
      domain: vars.device.domain,
      platform: device.platform,
      role: device.role ?? annotations[ANNOTATION_ROLE],
      site: device.site ?? annotations[ANNOTATION_SITE],
      model: vars.device.model,
    },
    system: catalog.system
      ? {
          ref: stringifyEntityRef(catalog.system),
          name: catalog.system.metadata.name,
          title: catalog.system.metadata.title,
          description: catalog.system.metadata.description,
        }
      : undefined,
    dependencies: catalog.dependencies.map(entityView),
    management: {
      interface: managementInterface,
      vrf: managementVrf,
      address: vars.management.address ?? device.managementAddress,
      gateway: vars.management.gateway ?? device.defaultGateway,
    },
    vars,
    account: { username: device.localUsername },
    services: vars.services,
    interfaces,
    lags,
    lagsByName: Object.fromEntries(lags.map(l => [l.name, l])),
    svis,
    interfaceNames: [
      ...interfaces.map(i => i.name),
      ...lags.map(l => l.name),
      ...svis.map(s => s.interface),
    ],
    switching:
      vars.vlans.length > 0 ||
      interfaces.some(i => i.kind === 'access' || i.kind === 'trunk') ||
      lags.some(l => l.kind !== 'routed'),
    vlans: vars.vlans,
    filters,
    zonePolicies,
    zones,
    sshAcl,
    globalRoutes,
    vrfRoutes: [...byVrf].map(([vrf, routes]) => ({ vrf, routes })),
    vrfs: [...vrfNames],
    ospf,
    bgp,
    multichassis,
    aaa: { users: [], ...vars.aaa },
    ssh: vars.ssh,
    banner: vars.banner,
  };
}
