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
  isIpv4Prefix,
  checkHostname,
} from '../ciscoStyle/validators';

export const EOS_INTERFACE_TYPES = [
  'Ethernet',
  'Management',
  'Loopback',
  'Vlan',
  'Port-Channel',
  'Vxlan',
  'Tunnel',
] as const;

const SHORT_NAMES: Record<string, string> = {
  Ethernet: 'Et',
  Management: 'Ma',
  Loopback: 'Lo',
  Vlan: 'Vl',
  'Port-Channel': 'Po',
  Vxlan: 'Vx',
  Tunnel: 'Tu',
};

/** "Ethernet1/1" -> "Et1/1", as the EOS prompt abbreviates interfaces. */
export function shortInterfaceName(name: string): string {
  const m = /^([A-Za-z-]+)(.*)$/.exec(name);
  return m ? `${SHORT_NAMES[m[1]] ?? m[1]}${m[2]}` : name;
}

const SHA512_CRYPT = /^\$6\$[^$]{1,16}\$[./0-9A-Za-z]{86}$/;
const MD5_CRYPT = /^\$1\$[^$]{1,8}\$[./0-9A-Za-z]{22}$/;

/** username NAME [privilege N] [role R] (secret [0|5|sha512] VALUE | nopassword) */
function checkUsername(args: string[]): ArgumentProblem | undefined {
  let i = 1;
  while (i < args.length) {
    const word = args[i];
    if (word === 'privilege') {
      const level = args[i + 1];
      if (level === undefined) return { index: i + 1, kind: 'incomplete' };
      if (!/^\d+$/.test(level) || Number(level) > 15) {
        return { index: i + 1, kind: 'invalid' };
      }
      i += 2;
    } else if (word === 'role' || word === 'shell' || word === 'ssh-key') {
      if (args[i + 1] === undefined)
        return { index: i + 1, kind: 'incomplete' };
      i += 2;
    } else if (word === 'nopassword') {
      i += 1;
    } else if (word === 'secret') {
      const kind = args[i + 1];
      if (kind === undefined) return { index: i + 1, kind: 'incomplete' };
      if (kind === 'sha512' || kind === '5' || kind === '0') {
        const value = args[i + 2];
        if (value === undefined) return { index: i + 2, kind: 'incomplete' };
        if (kind === 'sha512' && !SHA512_CRYPT.test(value)) {
          return { index: i + 2, kind: 'invalid' };
        }
        if (kind === '5' && !MD5_CRYPT.test(value)) {
          return { index: i + 2, kind: 'invalid' };
        }
        i += 3;
      } else {
        i += 2; // clear text
      }
    } else {
      return { index: i, kind: 'invalid' };
    }
  }
  return undefined;
}

/** ip route [vrf NAME] PREFIX/LEN NEXTHOP|INTERFACE [...] */
function checkIpRoute(args: string[]): ArgumentProblem | undefined {
  let i = 1;
  if (args[i] === 'vrf') {
    if (args[i + 1] === undefined) return { index: i + 1, kind: 'incomplete' };
    i += 2;
  }
  const problem = expectWords(args, [isIpv4Prefix], i);
  if (problem) return problem;
  if (args[i + 1] === undefined) return { index: i + 1, kind: 'incomplete' };
  return undefined;
}

/** [seq N] permit|deny PREFIX [eq|ge|le LEN]... from `start`. */
function checkPrefixEntry(
  args: string[],
  start: number,
): ArgumentProblem | undefined {
  let i = start;
  if (args[i] === 'seq') {
    if (args[i + 1] === undefined) return { index: i + 1, kind: 'incomplete' };
    if (!/^\d+$/.test(args[i + 1])) return { index: i + 1, kind: 'invalid' };
    i += 2;
  }
  if (args[i] === undefined) return { index: i, kind: 'incomplete' };
  if (args[i] !== 'permit' && args[i] !== 'deny') {
    return { index: i, kind: 'invalid' };
  }
  const problem = expectWords(args, [isIpv4Prefix], i + 1);
  if (problem) return problem;
  for (let j = i + 2; j < args.length; j += 2) {
    if (!['eq', 'ge', 'le'].includes(args[j])) {
      return { index: j, kind: 'invalid' };
    }
    if (args[j + 1] === undefined) return { index: j + 1, kind: 'incomplete' };
    if (!/^\d+$/.test(args[j + 1]) || Number(args[j + 1]) > 32) {
      return { index: j + 1, kind: 'invalid' };
    }
  }
  return undefined;
}

/** A prefix-list mode line: the keyword then the rest of an entry. */
function prefixEntryAfter(
  keyword: string,
): (args: string[]) => ArgumentProblem | undefined {
  return args => {
    const problem = checkPrefixEntry([keyword, ...args], 0);
    return problem && { ...problem, index: problem.index - 1 };
  };
}

/**
 * ip prefix-list NAME: alone it enters the prefix-list mode; with an entry
 * after the name it is the one-line form.
 */
function checkPrefixList(args: string[]): ArgumentProblem | undefined {
  if (args[1] === undefined) return { index: 1, kind: 'incomplete' };
  return args.length > 2 ? checkPrefixEntry(args, 2) : undefined;
}

const interfaceMode: ModeSpec = {
  prompt: args => `config-if-${shortInterfaceName(args[0] ?? '')}`,
  keywords: {
    ...anyArgs([
      'description',
      'ipv6',
      'shutdown',
      'switchport',
      'channel-group',
      'speed',
      'mtu',
      'spanning-tree',
      'lldp',
      'load-interval',
      'autostate',
      'bfd',
      'flowcontrol',
      'error-correction',
      'service-policy',
      'storm-control',
      'logging',
      'sflow',
      'mac',
      'pim',
      'arp',
      'vxlan',
      'vrf',
      'tunnel',
      'dhcp',
      'qos',
    ]),
    // An MLAG id only: "mlag configuration" here is the global command.
    mlag: {
      minArgs: 1,
      check: args => {
        if (!/^\d+$/.test(args[0]) || Number(args[0]) < 1) {
          return { index: 0, kind: 'invalid' };
        }
        return args.length > 1 ? { index: 1, kind: 'invalid' } : undefined;
      },
    },
    ip: {
      sub: [
        'address',
        'access-group',
        'helper-address',
        'ospf',
        'pim',
        'igmp',
        'proxy-arp',
        'virtual-router',
        'attached-host',
        'verify',
        'dhcp',
        'local-proxy-arp',
      ],
      check: afterSub({
        address: args =>
          args[1] === 'dhcp' ? undefined : expectWords(args, [isIpv4Prefix], 1),
      }),
    },
  },
};

const modes: Record<string, ModeSpec> = {
  'config-if': interfaceMode,
  'config-mgmt-ssh': {
    prompt: () => 'config-mgmt-ssh',
    keywords: {
      ...anyArgs([
        'shutdown',
        'idle-timeout',
        'authentication',
        'ip',
        'ipv6',
        'connection',
        'cipher',
        'key-exchange',
        'mac',
        'hostkey',
        'log-level',
        'server-port',
        'fips',
        'login',
        'client-alive',
      ]),
      vrf: {
        minArgs: 1,
        enters: [{ when: () => true, mode: 'config-mgmt-ssh-vrf' }],
      },
    },
  },
  'config-mgmt-ssh-vrf': {
    prompt: args => `config-mgmt-ssh-vrf-${args[0] ?? ''}`,
    keywords: anyArgs(['shutdown', 'ip', 'ipv6']),
  },
  'config-mgmt-api-http-cmds': {
    prompt: () => 'config-mgmt-api-http-cmds',
    keywords: {
      ...anyArgs(['shutdown', 'protocol', 'cors', 'qos']),
      vrf: {
        minArgs: 1,
        enters: [{ when: () => true, mode: 'config-mgmt-api-http-cmds-vrf' }],
      },
    },
  },
  'config-mgmt-api-http-cmds-vrf': {
    prompt: args => `config-mgmt-api-http-cmds-vrf-${args[0] ?? ''}`,
    keywords: anyArgs(['shutdown', 'ip', 'ipv6']),
  },
  'config-mgmt-other': freeMode('config-mgmt'),
  // Their own commands that are also global keywords stay here.
  'config-router-bgp': freeMode('config-router-bgp', [
    'vlan',
    'vlan-aware-bundle',
    'vrf',
    'bfd',
  ]),
  'config-router-ospf': freeMode('config-router-ospf', ['bfd', 'vrf']),
  'config-router-other': freeMode('config-router'),
  'config-vlan': {
    prompt: args => `config-vlan-${args[0] ?? ''}`,
    keywords: anyArgs(['name', 'state', 'trunk']),
  },
  'config-vrf': {
    prompt: args => `config-vrf-${args[1] ?? ''}`,
    keywords: anyArgs(['description', 'rd']),
  },
  'config-daemon': freeMode('config-daemon'),
  'config-route-map': freeMode('config-route-map'),
  'config-mlag': {
    prompt: () => 'config-mlag',
    keywords: {
      ...anyArgs(['shutdown', 'dual-primary', 'heartbeat-interval']),
      'domain-id': { minArgs: 1 },
      'local-interface': { minArgs: 1 },
      'peer-address': { minArgs: 1 },
      'peer-link': { minArgs: 1 },
      'reload-delay': { minArgs: 1 },
      'primary-priority': { minArgs: 1 },
    },
  },
  'config-sg': {
    prompt: args => `config-sg-${args[2] ?? ''}-${args[3] ?? ''}`,
    keywords: { server: { minArgs: 1 } },
  },
  'config-ip-pfx': {
    prompt: () => 'config-ip-pfx',
    keywords: {
      seq: { check: prefixEntryAfter('seq') },
      permit: { check: prefixEntryAfter('permit') },
      deny: { check: prefixEntryAfter('deny') },
    },
  },
  'config-acl': freeMode('config-acl'),
  'config-handler': freeMode('config-handler'),
  'config-pmap': freeMode('config-pmap'),
  'config-cmap': freeMode('config-cmap'),
};

const root: ModeSpec = {
  prompt: () => 'config',
  keywords: {
    ...anyArgs([
      'spanning-tree',
      'ntp',
      'logging',
      'snmp-server',
      'transceiver',
      'service',
      'enable',
      'clock',
      'dns',
      'alias',
      'lldp',
      'port-channel',
      'queue-monitor',
      'radius-server',
      'tacacs-server',
      'sflow',
      'hardware',
      'platform',
      'system',
      'errdisable',
      'load-interval',
      'peer-filter',
      'agent',
      'switchport',
      'terminal',
      'mac',
      'monitor',
      'bfd',
      'arp',
      'tap',
      'ptp',
      'boot',
      'prompt',
      'schedule',
      'ipv6',
      'tcam',
      'qos',
      'policy-map',
      'class-map',
    ]),
    hostname: {
      minArgs: 1,
      check: checkHostname,
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
    username: { minArgs: 1, check: checkUsername },
    banner: { sub: ['motd', 'login'] },
    management: {
      sub: [
        'ssh',
        'api',
        'console',
        'security',
        'telnet',
        'cvx',
        'defaults',
        'accounts',
      ],
      enters: [
        { when: args => args[0] === 'ssh', mode: 'config-mgmt-ssh' },
        {
          when: args => args[0] === 'api' && args[1] === 'http-commands',
          mode: 'config-mgmt-api-http-cmds',
        },
        {
          when: args => args[0] !== 'api' || args.length > 1,
          mode: 'config-mgmt-other',
        },
      ],
    },
    interface: interfaceKeyword(EOS_INTERFACE_TYPES, 'config-if'),
    ip: {
      sub: [
        'route',
        'domain-name',
        'name-server',
        'domain',
        'routing',
        'access-list',
        'prefix-list',
        'community-list',
        'as-path',
        'host',
        'virtual-router',
        'igmp',
        'multicast-routing',
        'pim',
        'tacacs',
        'radius',
        'ssh',
        'http',
        'dhcp',
        'fhrp',
        'icmp',
        'load-sharing',
        'hardware',
        'ftp',
        'tftp',
      ],
      check: afterSub({
        route: checkIpRoute,
        'prefix-list': checkPrefixList,
      }),
      enters: [
        { when: args => args[0] === 'access-list', mode: 'config-acl' },
        {
          when: args => args[0] === 'prefix-list' && args.length === 2,
          mode: 'config-ip-pfx',
        },
      ],
    },
    vlan: {
      minArgs: 1,
      enters: [
        { when: args => /^[\d,-]+$/.test(args[0]), mode: 'config-vlan' },
      ],
    },
    router: {
      sub: [
        'bgp',
        'ospf',
        'isis',
        'multicast',
        'pim',
        'general',
        'ospfv3',
        'igmp',
        'msdp',
        'l2-vpn',
      ],
      enters: [
        { when: args => args[0] === 'bgp', mode: 'config-router-bgp' },
        { when: args => args[0] === 'ospf', mode: 'config-router-ospf' },
        { when: () => true, mode: 'config-router-other' },
      ],
    },
    vrf: {
      sub: ['instance'],
      minArgs: 2,
      enters: [{ when: () => true, mode: 'config-vrf' }],
    },
    daemon: {
      minArgs: 1,
      enters: [{ when: () => true, mode: 'config-daemon' }],
    },
    'route-map': {
      minArgs: 1,
      enters: [{ when: () => true, mode: 'config-route-map' }],
    },
    mlag: {
      sub: ['configuration'],
      enters: [{ when: () => true, mode: 'config-mlag' }],
    },
    'event-handler': {
      minArgs: 1,
      enters: [{ when: () => true, mode: 'config-handler' }],
    },
  },
};

export const eosGrammar: CiscoStyleGrammar = {
  root,
  modes,
  replaceKeys: {
    hostname: 1,
    description: 1,
    'ip address': 2,
    vrf: 1,
    mtu: 1,
    speed: 1,
    shutdown: 1,
    'switchport mode': 2,
    'switchport access vlan': 3,
    'ip domain-name': 2,
    username: 2,
    name: 1,
    rd: 1,
    'idle-timeout': 1,
  },
  keptNegations: ['shutdown', 'switchport', 'autostate'],
  multilineKeywords: ['banner'],
};

/** EOS does not mark the bad word. */
export const formatEosError: ErrorFormatter = error => {
  switch (error.kind) {
    case 'incomplete':
      return '% Incomplete command\n';
    case 'ambiguous':
      return '% Ambiguous command\n';
    default:
      return '% Invalid input\n';
  }
};
