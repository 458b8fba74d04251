import type { ConfigNode } from '../ciscoStyle/ConfigTree';
import type {
  ArgumentProblem,
  CiscoStyleGrammar,
  ErrorFormatter,
  KeywordSpec,
  ModeSpec,
} from '../ciscoStyle/grammar';
import {
  afterSub,
  anyArgs,
  freeMode,
  interfaceKeyword,
} from '../ciscoStyle/grammarHelpers';
import {
  expectWords,
  isIpv4,
  isIpv4Prefix,
  isNetmask,
  checkHostname,
} from '../ciscoStyle/validators';

export const NXOS_INTERFACE_TYPES = [
  'Ethernet',
  'mgmt',
  'loopback',
  'Vlan',
  'port-channel',
  'nve',
  'Tunnel',
] as const;

export const NXOS_FEATURES = [
  'ssh',
  'telnet',
  'bgp',
  'ospf',
  'ospfv3',
  'eigrp',
  'isis',
  'interface-vlan',
  'lacp',
  'vpc',
  'lldp',
  'nxapi',
  'scp-server',
  'sftp-server',
  'tacacs+',
  'hsrp',
  'vrrp',
  'pim',
  'nv',
  'vn-segment-vlan-based',
  'bfd',
  'dhcp',
  'netconf',
  'restconf',
  'grpc',
  'udld',
  'private-vlan',
  'ptp',
  'ngmvpn',
  'fabric',
  'bash-shell',
  'sla',
  'pbr',
  'evb',
  'macsec',
  'poap',
] as const;

const ROLES = [
  'network-admin',
  'network-operator',
  'vdc-admin',
  'vdc-operator',
  'priv-15',
  'priv-14',
  'priv-1',
  'priv-0',
];

const SHA256_CRYPT = /^\$5\$[^$]{1,16}\$[./0-9A-Za-z]{43}$/;
const SHA512_CRYPT = /^\$6\$[^$]{1,16}\$[./0-9A-Za-z]{86}$/;

/** username NAME [password [0|5] VALUE] [role ROLE] [expire DATE] ... */
function checkUsername(args: string[]): ArgumentProblem | undefined {
  let i = 1;
  while (i < args.length) {
    const word = args[i];
    if (word === 'password') {
      const type = args[i + 1];
      if (type === undefined) return { index: i + 1, kind: 'incomplete' };
      if (type === '5') {
        const value = args[i + 2];
        if (value === undefined) return { index: i + 2, kind: 'incomplete' };
        if (!SHA256_CRYPT.test(value) && !SHA512_CRYPT.test(value)) {
          return { index: i + 2, kind: 'invalid' };
        }
        i += 3;
      } else if (type === '0') {
        if (args[i + 2] === undefined) {
          return { index: i + 2, kind: 'incomplete' };
        }
        i += 3;
      } else {
        i += 2; // clear text
      }
    } else if (word === 'role') {
      const role = args[i + 1];
      if (role === undefined) return { index: i + 1, kind: 'incomplete' };
      if (!ROLES.includes(role)) return { index: i + 1, kind: 'invalid' };
      i += 2;
    } else if (['expire', 'sshkey', 'priv-lvl'].includes(word)) {
      if (args[i + 1] === undefined)
        return { index: i + 1, kind: 'incomplete' };
      return undefined;
    } else {
      return { index: i, kind: 'invalid' };
    }
  }
  return undefined;
}

/** ip route PREFIX/LEN NEXTHOP|INTERFACE [...] (NX-OS takes prefixes only). */
function checkIpRoute(args: string[]): ArgumentProblem | undefined {
  const problem = expectWords(args, [isIpv4Prefix], 1);
  if (problem) return problem;
  if (args[2] === undefined) return { index: 2, kind: 'incomplete' };
  return undefined;
}

const ipGlobal: KeywordSpec = {
  sub: [
    'route',
    'domain-name',
    'domain-lookup',
    'name-server',
    'access-list',
    'prefix-list',
    'community-list',
    'as-path',
    'pim',
    'igmp',
    'host',
    'tacacs',
    'radius',
    'arp',
    'dhcp',
    'ssh',
    'http',
    'load-sharing',
    'icmp-errors',
    'sla',
    'forward',
  ],
  check: afterSub({ route: checkIpRoute }),
  enters: [{ when: args => args[0] === 'access-list', mode: 'config-acl' }],
};

/** NX-OS shows interface addresses as prefixes, whatever form was typed. */
function normalizeInterfaceIp(args: string[]): string[] {
  if (
    args[0] !== 'address' ||
    !isIpv4(args[1] ?? '') ||
    !isNetmask(args[2] ?? '')
  ) {
    return args;
  }
  const len = args[2]
    .split('.')
    .map(p => Number(p).toString(2))
    .join('')
    .replace(/0/g, '').length;
  return ['address', `${args[1]}/${len}`, ...args.slice(3)];
}

const interfaceMode: ModeSpec = {
  prompt: () => 'config-if',
  keywords: {
    ...anyArgs([
      'description',
      'switchport',
      'shutdown',
      'ipv6',
      'channel-group',
      'speed',
      'duplex',
      'mtu',
      'spanning-tree',
      'lacp',
      'bfd',
      'hsrp',
      'cdp',
      'lldp',
      'fec',
      'load-interval',
      'negotiate',
      'service-policy',
      'storm-control',
      'logging',
      'link',
      'medium',
      'mac',
      'udld',
      'source-interface',
      'member',
      'host-reachability',
      'no',
    ]),
    ip: {
      sub: [
        'address',
        'router',
        'ospf',
        'pim',
        'access-group',
        'dhcp',
        'redirects',
        'forward',
        'port',
        'proxy-arp',
        'unreachables',
        'igmp',
        'policy',
        'verify',
      ],
      check: afterSub({
        address: args =>
          isIpv4Prefix(args[1] ?? '')
            ? undefined
            : expectWords(args, [isIpv4, isNetmask], 1),
      }),
      normalize: normalizeInterfaceIp,
    },
    vrf: { sub: ['member'], minArgs: 2 },
    // A vPC number, the peer link or orphan-port: "vpc domain" here is the
    // global command.
    vpc: {
      minArgs: 1,
      check: args => {
        const [first, ...rest] = args;
        if (first === 'peer-link' || /^\d+$/.test(first)) {
          return rest.length ? { index: 1, kind: 'invalid' } : undefined;
        }
        if (first === 'orphan-port') {
          return rest[0] === 'suspend' && rest.length === 1
            ? undefined
            : { index: 1, kind: rest.length ? 'invalid' : 'incomplete' };
        }
        return { index: 0, kind: 'invalid' };
      },
    },
  },
};

/** router bgp: global settings, address families, neighbors and VRFs. */
const bgpRouterKeywords: Record<string, KeywordSpec> = {
  ...anyArgs([
    'log-neighbor-changes',
    'bestpath',
    'graceful-restart',
    'graceful-restart-helper',
    'timers',
    'confederation',
    'cluster-id',
    'enforce-first-as',
    'fast-external-fallover',
    'reconnect-interval',
    'shutdown',
    'local-as',
    'rd',
  ]),
  'router-id': { minArgs: 1, check: args => expectWords(args, [isIpv4]) },
  'address-family': {
    sub: ['ipv4', 'ipv6', 'l2vpn'],
    minArgs: 2,
    enters: [{ when: () => true, mode: 'config-router-af' }],
  },
  neighbor: {
    minArgs: 1,
    enters: [{ when: () => true, mode: 'config-router-neighbor' }],
  },
};

const bgpAddressFamilyKeywords = anyArgs([
  'network',
  'maximum-paths',
  'redistribute',
  'aggregate-address',
  'default-information',
  'additional-paths',
  'dampening',
  'nexthop',
  'distance',
  'client-to-client',
  'suppress-inactive',
  'advertise',
  'table-map',
]);

const modes: Record<string, ModeSpec> = {
  'config-if': interfaceMode,
  'config-vrf': {
    prompt: () => 'config-vrf',
    keywords: {
      ...anyArgs(['description', 'rd', 'vni', 'shutdown', 'ipv6']),
      ip: ipGlobal,
      'address-family': {
        sub: ['ipv4', 'ipv6'],
        enters: [{ when: () => true, mode: 'config-vrf-af' }],
      },
    },
  },
  'config-vrf-af': freeMode('config-vrf-af-ipv4'),
  'config-router': {
    prompt: () => 'config-router',
    keywords: {
      ...bgpRouterKeywords,
      vrf: {
        minArgs: 1,
        enters: [{ when: () => true, mode: 'config-router-vrf' }],
      },
    },
  },
  'config-router-vrf': {
    prompt: () => 'config-router-vrf',
    keywords: bgpRouterKeywords,
  },
  'config-router-af': {
    prompt: () => 'config-router-af',
    keywords: bgpAddressFamilyKeywords,
  },
  'config-router-neighbor': {
    prompt: () => 'config-router-neighbor',
    keywords: {
      ...anyArgs([
        'description',
        'ebgp-multihop',
        'password',
        'timers',
        'shutdown',
        'bfd',
        'local-as',
        'remove-private-as',
        'inherit',
        'transport',
        'capability',
        'disable-connected-check',
        'dynamic-capability',
        'log-neighbor-changes',
        'low-memory',
      ]),
      'remote-as': { minArgs: 1 },
      'update-source': { minArgs: 1 },
      'address-family': {
        sub: ['ipv4', 'ipv6', 'l2vpn'],
        minArgs: 2,
        enters: [{ when: () => true, mode: 'config-router-neighbor-af' }],
      },
    },
  },
  'config-router-neighbor-af': {
    prompt: () => 'config-router-neighbor-af',
    keywords: anyArgs([
      'route-map',
      'send-community',
      'maximum-prefix',
      'next-hop-self',
      'soft-reconfiguration',
      'allowas-in',
      'prefix-list',
      'filter-list',
      'default-originate',
      'route-reflector-client',
      'as-override',
      'weight',
      'unsuppress-map',
      'disable-peer-as-check',
      'inherit',
    ]),
  },
  // OSPF and the other protocols are not modelled in detail.
  'config-router-other': freeMode('config-router', ['bfd']),
  'config-line': {
    prompt: () => 'config-line',
    keywords: {
      ...anyArgs([
        'exec-timeout',
        'session-limit',
        'absolute-timeout',
        'logout-warning',
        'ipv6',
      ]),
      'access-class': { minArgs: 2 },
      ip: { sub: ['access-class'], minArgs: 3 },
    },
  },
  'config-console': {
    prompt: () => 'config-console',
    keywords: anyArgs([
      'exec-timeout',
      'speed',
      'stopbits',
      'databits',
      'parity',
      'modem',
      'terminal',
      'logout-warning',
      'absolute-timeout',
    ]),
  },
  'config-tacacs+': {
    prompt: () => 'config-tacacs+',
    keywords: {
      ...anyArgs(['deadtime', 'source-interface']),
      server: { minArgs: 1 },
      'use-vrf': { minArgs: 1 },
    },
  },
  'config-acl': freeMode('config-acl'),
  'config-vlan': {
    prompt: () => 'config-vlan',
    keywords: anyArgs(['name', 'state', 'shutdown', 'vn-segment', 'mode']),
  },
  'config-vpc-domain': {
    prompt: () => 'config-vpc-domain',
    keywords: {
      ...anyArgs([
        'peer-switch',
        'peer-gateway',
        'auto-recovery',
        'system-priority',
        'system-mac',
        'delay',
        'graceful',
        'layer3',
        'shutdown',
        'track',
        'dual-active',
        'fast-convergence',
        'peer-config-check-bypass',
        'ip',
        'ipv6',
      ]),
      role: { sub: ['priority'], minArgs: 2 },
      'peer-keepalive': { sub: ['destination'], minArgs: 2 },
    },
  },
  'config-pmap': freeMode('config-pmap'),
  'config-cmap': freeMode('config-cmap'),
  'config-route-map': freeMode('config-route-map'),
  'config-role': freeMode('config-role'),
};

const root: ModeSpec = {
  prompt: () => 'config',
  keywords: {
    ...anyArgs([
      'ntp',
      'logging',
      'snmp-server',
      'spanning-tree',
      'boot',
      'copp',
      'rmon',
      'system',
      'ssh',
      'cfs',
      'clock',
      'password',
      'license',
      'hardware',
      'port-channel',
      'key',
      'radius-server',
      'tacacs-server',
      'callhome',
      'cli',
      'power',
      'event',
      'nxapi',
      'telemetry',
      'evpn',
      'fabric',
      'nv',
      'bfd',
      'lacp',
      'lldp',
      'cdp',
      'errdisable',
      'udld',
      'mac',
      'hsrp',
      'track',
      'version',
      'ipv6',
      'banner',
      'poap',
      'install',
    ]),
    hostname: {
      minArgs: 1,
      check: checkHostname,
    },
    switchname: { minArgs: 1 },
    feature: {
      minArgs: 1,
      check: args =>
        NXOS_FEATURES.includes(args[0] as (typeof NXOS_FEATURES)[number])
          ? undefined
          : { index: 0, kind: 'invalid' },
    },
    username: { minArgs: 1, check: checkUsername },
    banner: { sub: ['motd', 'exec'] },
    vrf: {
      sub: ['context'],
      minArgs: 2,
      enters: [{ when: () => true, mode: 'config-vrf' }],
    },
    interface: interfaceKeyword(NXOS_INTERFACE_TYPES, 'config-if'),
    ip: ipGlobal,
    vlan: {
      minArgs: 1,
      enters: [
        { when: args => /^[\d,-]+$/.test(args[0]), mode: 'config-vlan' },
      ],
    },
    router: {
      sub: ['bgp', 'ospf', 'ospfv3', 'eigrp', 'isis'],
      minArgs: 2,
      enters: [
        { when: args => args[0] === 'bgp', mode: 'config-router' },
        { when: () => true, mode: 'config-router-other' },
      ],
    },
    aaa: {
      minArgs: 1,
      enters: [
        {
          when: args =>
            args[0] === 'group' &&
            args[1] === 'server' &&
            args[2] === 'tacacs+' &&
            args.length === 4,
          mode: 'config-tacacs+',
        },
      ],
    },
    line: {
      sub: ['console', 'vty'],
      enters: [
        { when: args => args[0] === 'vty', mode: 'config-line' },
        { when: args => args[0] === 'console', mode: 'config-console' },
      ],
    },
    vpc: {
      sub: ['domain'],
      minArgs: 2,
      enters: [{ when: () => true, mode: 'config-vpc-domain' }],
    },
    'policy-map': {
      minArgs: 1,
      enters: [{ when: () => true, mode: 'config-pmap' }],
    },
    'class-map': {
      minArgs: 1,
      enters: [{ when: () => true, mode: 'config-cmap' }],
    },
    'route-map': {
      minArgs: 1,
      enters: [{ when: () => true, mode: 'config-route-map' }],
    },
    role: {
      sub: ['name', 'feature-group'],
      minArgs: 2,
      enters: [{ when: () => true, mode: 'config-role' }],
    },
  },
};

function hasFeature(config: ConfigNode, feature: string): boolean {
  return config.children.some(c => c.line === `feature ${feature}`);
}

/** Protocols need their feature enabled first, as on a real Nexus. */
function dependsOn(
  keyword: string,
  args: string[],
  config: ConfigNode,
): ArgumentProblem | undefined {
  if (keyword === 'router' && !hasFeature(config, args[0])) {
    return { index: 0, kind: 'invalid' };
  }
  if (
    keyword === 'interface' &&
    /^vlan/i.test(args[0]) &&
    !hasFeature(config, 'interface-vlan')
  ) {
    return { index: 0, kind: 'invalid' };
  }
  if (
    keyword === 'interface' &&
    /^nve/i.test(args[0]) &&
    !hasFeature(config, 'nv')
  ) {
    return { index: 0, kind: 'invalid' };
  }
  if (keyword === 'vpc' && !hasFeature(config, 'vpc')) {
    return { index: 0, kind: 'invalid' };
  }
  return undefined;
}

export const nxosGrammar: CiscoStyleGrammar = {
  root,
  modes,
  replaceKeys: {
    hostname: 1,
    switchname: 1,
    description: 1,
    'ip address': 2,
    'vrf member': 2,
    mtu: 1,
    speed: 1,
    duplex: 1,
    shutdown: 1,
    'switchport mode': 2,
    'switchport access vlan': 3,
    'ip domain-name': 2,
    username: 2,
    name: 1,
    rd: 1,
    'router-id': 1,
    'remote-as': 1,
    'update-source': 1,
    'maximum-paths': 1,
    'exec-timeout': 1,
    'role priority': 2,
    'peer-keepalive': 1,
  },
  keptNegations: ['shutdown', 'switchport'],
  multilineKeywords: ['banner'],
  dependsOn,
};

/** NX-OS marks every error with a caret. */
export const formatNxosError: ErrorFormatter = (error, column) => {
  const caret = `${' '.repeat(column)}^\n`;
  switch (error.kind) {
    case 'incomplete':
      return `${caret}% Incomplete command at '^' marker.\n`;
    case 'ambiguous':
      return `${caret}% Ambiguous command at '^' marker.\n`;
    default:
      return `${caret}% Invalid command at '^' marker.\n`;
  }
};
