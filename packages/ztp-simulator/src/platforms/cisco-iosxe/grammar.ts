import type {
  ArgumentProblem,
  CiscoStyleGrammar,
  ErrorFormatter,
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
  isNetmask,
  checkHostname,
} from '../ciscoStyle/validators';

export const IOS_INTERFACE_TYPES = [
  'GigabitEthernet',
  'TenGigabitEthernet',
  'TwentyFiveGigE',
  'FortyGigabitEthernet',
  'HundredGigE',
  'AppGigabitEthernet',
  'FastEthernet',
  'Loopback',
  'Vlan',
  'Port-channel',
  'Tunnel',
  'BDI',
  'Null',
] as const;

const TYPE9 = /^\$9\$[./0-9A-Za-z]{14}\$[./0-9A-Za-z]{43}$/;
const TYPE8 = /^\$8\$[./0-9A-Za-z]{14}\$[./0-9A-Za-z]{43}$/;
const TYPE5 = /^\$1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}$/;

/**
 * username NAME [privilege N] [algorithm-type T]
 *   (secret [0|5|8|9] VALUE | password [0|7] VALUE | nopassword)
 */
function checkUsername(args: string[]): ArgumentProblem | undefined {
  let i = 1;
  while (i < args.length) {
    const word = args[i].toLowerCase();
    if (word === 'privilege') {
      if (args[i + 1] === undefined)
        return { index: i + 1, kind: 'incomplete' };
      if (!/^\d+$/.test(args[i + 1]) || Number(args[i + 1]) > 15) {
        return { index: i + 1, kind: 'invalid' };
      }
      i += 2;
    } else if (word === 'view' || word === 'algorithm-type') {
      if (args[i + 1] === undefined)
        return { index: i + 1, kind: 'incomplete' };
      i += 2;
    } else if (word === 'nopassword' || word === 'autocommand') {
      return undefined;
    } else if (word === 'secret' || word === 'password') {
      const rest = args.slice(i + 1);
      if (rest.length === 0) return { index: i + 1, kind: 'incomplete' };
      if (rest.length === 1) return undefined; // clear text
      const type = rest[0];
      const value = rest[1];
      const valid =
        word === 'secret'
          ? (type === '0' && true) ||
            (type === '5' && TYPE5.test(value)) ||
            (type === '8' && TYPE8.test(value)) ||
            (type === '9' && TYPE9.test(value))
          : type === '0' || type === '7';
      if (!['0', '5', '7', '8', '9'].includes(type)) {
        return { index: i + 1, kind: 'invalid' };
      }
      if (!valid) return { index: i + 2, kind: 'invalid' };
      return rest.length > 2 ? { index: i + 3, kind: 'invalid' } : undefined;
    } else {
      return { index: i, kind: 'invalid' };
    }
  }
  return undefined;
}

/** ip route [vrf NAME] PREFIX MASK NEXTHOP|INTERFACE [...] */
function checkIpRoute(args: string[]): ArgumentProblem | undefined {
  let i = 1;
  if (args[i]?.toLowerCase() === 'vrf') {
    if (args[i + 1] === undefined) return { index: i + 1, kind: 'incomplete' };
    i += 2;
  }
  const problem = expectWords(args, [isIpv4, isNetmask], i);
  if (problem) return problem;
  if (args[i + 2] === undefined) return { index: i + 2, kind: 'incomplete' };
  return undefined;
}

const interfaceMode: ModeSpec = {
  prompt: () => 'config-if',
  keywords: {
    ...anyArgs([
      'description',
      'switchport',
      'channel-group',
      'speed',
      'duplex',
      'mtu',
      'spanning-tree',
      'power',
      'negotiation',
      'load-interval',
      'service-policy',
      'standby',
      'vrrp',
      'bfd',
      'cdp',
      'lldp',
      'storm-control',
      'logging',
      'media-type',
      'encapsulation',
      'authentication',
      'dot1x',
      'mab',
      'access-session',
      'tunnel',
      'carrier-delay',
      'bandwidth',
      'delay',
      'macsec',
      'device-tracking',
      'udld',
      'keepalive',
      'hold-queue',
      'ipv6',
      'shutdown',
      'negotiation',
      'snmp',
      'arp',
      'source',
      'mls',
      'auto',
      'trust',
    ]),
    ip: {
      sub: [
        'address',
        'access-group',
        'helper-address',
        'ospf',
        'pim',
        'dhcp',
        'nat',
        'vrf',
        'flow',
        'redirects',
        'unreachables',
        'proxy-arp',
        'mtu',
        'tcp',
        'policy',
        'router',
        'verify',
        'igmp',
        'mroute-cache',
        'route-cache',
        'directed-broadcast',
      ],
      check: afterSub({
        address: args =>
          args[1]?.toLowerCase() === 'dhcp' ||
          args[1]?.toLowerCase() === 'negotiated'
            ? undefined
            : expectWords(args, [isIpv4, isNetmask], 1) ??
              (args.length > 3 && args[3].toLowerCase() !== 'secondary'
                ? { index: 3, kind: 'invalid' }
                : undefined),
      }),
    },
    vrf: { sub: ['forwarding'], minArgs: 2 },
  },
};

const addressFamilyMode = (prompt: string): ModeSpec => ({
  prompt: () => prompt,
  closingKeyword: 'exit-address-family',
  keywords: anyArgs([
    'route-target',
    'import',
    'export',
    'maximum',
    'network',
    'neighbor',
    'redistribute',
    'maximum-paths',
    'aggregate-address',
    'bgp',
    'default-information',
    'mdt',
  ]),
});

const modes: Record<string, ModeSpec> = {
  'config-if': interfaceMode,
  'config-if-range': { ...interfaceMode, prompt: () => 'config-if-range' },
  'config-vrf': {
    prompt: () => 'config-vrf',
    keywords: {
      ...anyArgs(['rd', 'route-target', 'description', 'vpn', 'vnet']),
      'address-family': {
        sub: ['ipv4', 'ipv6'],
        enters: [{ when: () => true, mode: 'config-vrf-af' }],
      },
    },
  },
  'config-vrf-af': addressFamilyMode('config-vrf-af'),
  'config-line': {
    prompt: () => 'config-line',
    keywords: anyArgs([
      'login',
      'transport',
      'exec-timeout',
      'password',
      'access-class',
      'logging',
      'length',
      'width',
      'privilege',
      'session-timeout',
      'stopbits',
      'history',
      'escape-character',
      'authorization',
      'accounting',
      'absolute-timeout',
      'motd-banner',
      'exec',
      'ipv6',
      'speed',
      'autoselect',
    ]),
  },
  'config-router': {
    prompt: () => 'config-router',
    keywords: {
      ...anyArgs([
        'network',
        'neighbor',
        'router-id',
        'bgp',
        'redistribute',
        'passive-interface',
        'default-information',
        'timers',
        'maximum-paths',
        'area',
        'log-adjacency-changes',
        'auto-summary',
        'distance',
        'synchronization',
        'auto-cost',
        'max-metric',
        'bfd',
        'default-metric',
        'summary-address',
        'nsf',
        'shutdown',
        'distribute-list',
        'capability',
        'prefix-suppression',
        'discard-route',
      ]),
      'address-family': {
        minArgs: 1,
        enters: [{ when: () => true, mode: 'config-router-af' }],
      },
    },
  },
  'config-router-af': addressFamilyMode('config-router-af'),
  'config-ext-nacl': freeMode('config-ext-nacl'),
  'config-std-nacl': freeMode('config-std-nacl'),
  'config-vlan': {
    prompt: () => 'config-vlan',
    keywords: anyArgs(['name', 'state', 'shutdown', 'remote-span']),
  },
  'config-cmap': freeMode('config-cmap'),
  'config-pmap': freeMode('config-pmap'),
  'config-route-map': freeMode('config-route-map'),
  'ca-trustpoint': freeMode('ca-trustpoint'),
  'config-cert-chain': freeMode('config-cert-chain'),
  'config-archive': freeMode('config-archive'),
  'config-red': freeMode('config-red'),
  'config-cp': freeMode('config-cp'),
  'config-keychain': freeMode('config-keychain'),
  'config-sg': {
    prompt: args => `config-sg-${args[2] === 'tacacs+' ? 'tacacs+' : 'radius'}`,
    keywords: anyArgs([
      'server',
      'server-private',
      'ip',
      'ipv6',
      'deadtime',
      'timeout',
      'load-balance',
      'key',
      'mschapv2',
    ]),
  },
  'config-server-tacacs': {
    prompt: () => 'config-server-tacacs',
    keywords: {
      ...anyArgs(['timeout', 'single-connection', 'port', 'send-nat-address']),
      address: { sub: ['ipv4', 'ipv6'], minArgs: 2 },
      key: { minArgs: 1 },
    },
  },
  'config-radius-server': freeMode('config-radius-server'),
  'cfg-call-home': freeMode('cfg-call-home'),
  'config-stackpower': freeMode('config-stackpower'),
};

const root: ModeSpec = {
  prompt: () => 'config',
  keywords: {
    ...anyArgs([
      'service',
      'logging',
      'ntp',
      'snmp-server',
      'aaa',
      'spanning-tree',
      'vtp',
      'cdp',
      'lldp',
      'clock',
      'boot',
      'boot-start-marker',
      'boot-end-marker',
      'license',
      'errdisable',
      'platform',
      'diagnostic',
      'memory',
      'transceiver',
      'system',
      'login',
      'radius-server',
      'tacacs-server',
      'netconf-yang',
      'restconf',
      'track',
      'alias',
      'file',
      'mac',
      'udld',
      'power',
      'switch',
      'version',
      'access-list',
      'exception',
      'process',
      'monitor',
      'device-tracking',
      'multilink',
      'wsma',
      'flow',
      'event',
      'dot1x',
      'authentication',
      'cts',
      'hw-module',
      'mpls',
      'bfd',
      'object-group',
      'ipv6',
      'vlan',
      'enable',
      'call-home',
      'username',
      'hostname',
      'banner',
      'key',
      'crypto',
      'redundancy',
      'control-plane',
      'archive',
      'class-map',
      'policy-map',
      'route-map',
      'stack-power',
      'radius',
      'tacacs',
      'line',
      'router',
      'vrf',
      'ip',
      'interface',
    ]),
    hostname: {
      minArgs: 1,
      check: checkHostname,
    },
    username: { minArgs: 1, check: checkUsername },
    enable: { sub: ['secret', 'password', 'algorithm-type'], minArgs: 2 },
    banner: { sub: ['motd', 'login', 'exec', 'incoming'] },
    vrf: {
      sub: ['definition'],
      minArgs: 2,
      enters: [{ when: () => true, mode: 'config-vrf' }],
    },
    interface: interfaceKeyword(IOS_INTERFACE_TYPES, 'config-if', {
      allowRange: true,
    }),
    line: {
      sub: ['vty', 'console', 'aux'],
      minArgs: 2,
      check: args =>
        args.slice(1).every(w => /^\d+$/.test(w)) && args.length <= 3
          ? undefined
          : {
              index: args.findIndex((w, i) => i > 0 && !/^\d+$/.test(w)),
              kind: 'invalid',
            },
      enters: [{ when: () => true, mode: 'config-line' }],
    },
    router: {
      sub: ['bgp', 'ospf', 'eigrp', 'isis', 'rip', 'ospfv3'],
      enters: [{ when: () => true, mode: 'config-router' }],
    },
    ip: {
      sub: [
        'route',
        'domain',
        'domain-name',
        'name-server',
        'ssh',
        'http',
        'access-list',
        'vrf',
        'routing',
        'scp',
        'tftp',
        'ftp',
        'forward-protocol',
        'multicast-routing',
        'dhcp',
        'prefix-list',
        'community-list',
        'as-path',
        'radius',
        'tacacs',
        'default-gateway',
        'host',
        'igmp',
        'arp',
        'sla',
        'nat',
        'cef',
        'options',
        'source-route',
        'finger',
        'dns',
        'pim',
        'flow-export',
        'name',
        'local',
        'bgp-community',
        'device',
        'admission',
        'nbar',
        'icmp',
        'bootp',
        'classless',
        'subnet-zero',
        'gratuitous-arps',
      ],
      check: afterSub({
        route: checkIpRoute,
        ssh: args =>
          args.length < 2 ? { index: 1, kind: 'incomplete' } : undefined,
        'name-server': args =>
          args.length < 2 ? { index: 1, kind: 'incomplete' } : undefined,
      }),
      enters: [
        {
          when: args => args[0] === 'access-list' && args[1] === 'extended',
          mode: 'config-ext-nacl',
        },
        {
          when: args => args[0] === 'access-list' && args[1] === 'standard',
          mode: 'config-std-nacl',
        },
      ],
    },
    vlan: {
      minArgs: 1,
      enters: [
        { when: args => /^[\d,-]+$/.test(args[0]), mode: 'config-vlan' },
      ],
    },
    crypto: {
      minArgs: 1,
      enters: [
        {
          when: args => args[0] === 'pki' && args[1] === 'trustpoint',
          mode: 'ca-trustpoint',
        },
        {
          when: args =>
            args[0] === 'pki' &&
            args[1] === 'certificate' &&
            args[2] === 'chain',
          mode: 'config-cert-chain',
        },
      ],
    },
    'class-map': {
      minArgs: 1,
      enters: [{ when: () => true, mode: 'config-cmap' }],
    },
    'policy-map': {
      minArgs: 1,
      enters: [{ when: () => true, mode: 'config-pmap' }],
    },
    'route-map': {
      minArgs: 1,
      enters: [{ when: () => true, mode: 'config-route-map' }],
    },
    archive: { enters: [{ when: () => true, mode: 'config-archive' }] },
    redundancy: { enters: [{ when: () => true, mode: 'config-red' }] },
    'control-plane': { enters: [{ when: () => true, mode: 'config-cp' }] },
    'call-home': { enters: [{ when: () => true, mode: 'cfg-call-home' }] },
    'stack-power': {
      minArgs: 1,
      enters: [{ when: () => true, mode: 'config-stackpower' }],
    },
    key: {
      sub: ['chain', 'config-key'],
      enters: [{ when: args => args[0] === 'chain', mode: 'config-keychain' }],
    },
    aaa: {
      minArgs: 1,
      enters: [
        {
          when: args =>
            args[0] === 'group' && args[1] === 'server' && args.length === 4,
          mode: 'config-sg',
        },
      ],
    },
    radius: {
      sub: ['server'],
      minArgs: 2,
      enters: [{ when: () => true, mode: 'config-radius-server' }],
    },
    tacacs: {
      sub: ['server'],
      minArgs: 2,
      enters: [{ when: () => true, mode: 'config-server-tacacs' }],
    },
  },
};

export const iosXeGrammar: CiscoStyleGrammar = {
  root,
  modes,
  replaceKeys: {
    hostname: 1,
    description: 1,
    'ip address': 2,
    'vrf forwarding': 2,
    mtu: 1,
    speed: 1,
    duplex: 1,
    shutdown: 1,
    'switchport mode': 2,
    'switchport access vlan': 3,
    'exec-timeout': 1,
    'transport input': 2,
    login: 1,
    // Global login settings are each their own line.
    'login block-for': 2,
    'login delay': 2,
    'login quiet-mode': 2,
    'login on-failure': 2,
    'login on-success': 2,
    'ip domain name': 3,
    'ip domain-name': 2,
    'enable secret': 2,
    'ip ssh version': 3,
    'router-id': 1,
    name: 1,
    rd: 1,
    length: 1,
    width: 1,
    privilege: 1,
    'ip default-gateway': 2,
    username: 2,
  },
  keptNegations: ['switchport'],
  multilineKeywords: ['banner'],
};

export const formatIosError: ErrorFormatter = (error, column) => {
  switch (error.kind) {
    case 'incomplete':
      return '% Incomplete command.\n\n';
    case 'ambiguous':
      return `% Ambiguous command:  "${error.token ?? ''}"\n`;
    default:
      return `${' '.repeat(
        column,
      )}^\n% Invalid input detected at '^' marker.\n\n`;
  }
};
