import {
  type JunosConfig,
  type JunosNode,
  type JunosSyntaxError,
  statementText,
} from './JunosConfig';

/**
 * The part of the Junos configuration schema the simulator checks: known
 * statements at the levels a ZTP or final configuration touches, and the
 * values that matter for reaching the device. Levels not listed accept any
 * statement.
 */

/** Statements of the top level of the hierarchy. */
export const TOP_LEVEL: readonly string[] = [
  'version',
  'groups',
  'apply-groups',
  'system',
  'chassis',
  'interfaces',
  'snmp',
  'routing-options',
  'protocols',
  'policy-options',
  'firewall',
  'security',
  'vlans',
  'routing-instances',
  'class-of-service',
  'forwarding-options',
  'event-options',
  'services',
  'access',
  'applications',
  'poe',
  'ethernet-switching-options',
  'switch-options',
  'bridge-domains',
  'virtual-chassis',
  'logical-systems',
  'multi-chassis',
  'access-security',
  'accounting-options',
  'schedulers',
  'dynamic-profiles',
  'smtp',
  'tenants',
  'utility-mib',
];

type Level = {
  /** Statements allowed below this level (first words). */
  children?: readonly string[];
  /** Checks this statement's own words; returns a message when wrong. */
  check?: (words: string[], node: JunosNode) => string | undefined;
};

const HOSTNAME =
  /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9-]+)*$/;
const IPV4_PREFIX = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV6_PREFIX = /^[0-9a-fA-F:]+\/\d{1,3}$/;
/**
 * Numbered names (ge-0/0/0, xe-0/0/1:2, ae0, lo0, em0) and the interfaces a
 * device has once, without a number (irb, vlan, vme).
 */
const INTERFACE_NAME =
  /^(?:(?:ge|xe|et|mge|fe|em|fxp|me|vme|irb|lo|ae|gr|st|vlan|reth|fab|lt|ip|mt|pd|pe|sp|vtep|so|esi|jsrv|dsc)(?:-\d+\/\d+\/\d+(?::\d+)?|\d+)|irb|vlan|vme|vtep|esi|jsrv|dsc|lsi)$/;

function prefix(value: string | undefined): boolean {
  if (!value) return false;
  const m = IPV4_PREFIX.exec(value);
  if (m) {
    return m.slice(1, 5).every(p => Number(p) <= 255) && Number(m[5]) <= 32;
  }
  return IPV6_PREFIX.test(value);
}

function oneValue(
  test: (value: string) => boolean,
  what: string,
): Level['check'] {
  return words => {
    if (words.length !== 2) return `'${words[0]}' takes one value`;
    return test(words[1]) ? undefined : `invalid ${what}: '${words[1]}'`;
  };
}

const LEVELS: Record<string, Level> = {
  '': { children: TOP_LEVEL },
  system: {
    children: [
      'host-name',
      'domain-name',
      'domain-search',
      'time-zone',
      'root-authentication',
      'login',
      'services',
      'syslog',
      'ntp',
      'name-server',
      'authentication-order',
      'radius-server',
      'tacacs-server',
      'archival',
      'commit',
      'processes',
      'ports',
      'management-instance',
      'license',
      'extensions',
      'auto-snapshot',
      'arp',
      'internet-options',
      'location',
      'static-host-mapping',
      'no-redirects',
      'default-address-selection',
      'phone-home',
      'scripts',
      'backup-router',
      'accounting',
      'max-configurations-on-flash',
      'max-configuration-rollbacks',
      'configuration-database',
      'alarms',
      'dump-on-panic',
      'apply-groups',
      'host-name',
    ],
  },
  'system host-name': { check: oneValue(v => HOSTNAME.test(v), 'host name') },
  'system login': {
    children: [
      'user',
      'class',
      'message',
      'password',
      'retry-options',
      'announcement',
      'deny-sources',
      'idle-timeout',
    ],
  },
  'system login user': {
    children: ['uid', 'class', 'full-name', 'authentication'],
    check: words => (words.length === 2 ? undefined : "'user' takes a name"),
  },
  'system login user authentication': {
    children: [
      'encrypted-password',
      'ssh-rsa',
      'ssh-ecdsa',
      'ssh-ed25519',
      'no-public-keys',
    ],
  },
  'system login user authentication encrypted-password': {
    check: oneValue(v => /^\$[156]\$/.test(v), 'encrypted password'),
  },
  'system root-authentication': {
    children: [
      'encrypted-password',
      'ssh-rsa',
      'ssh-ecdsa',
      'ssh-ed25519',
      'no-public-keys',
    ],
  },
  'system services': {
    children: [
      'ssh',
      'netconf',
      'telnet',
      'web-management',
      'rest',
      'ftp',
      'dhcp-local-server',
      'dns',
      'extension-service',
      'outbound-ssh',
      'xnm-clear-text',
      'xnm-ssl',
      'finger',
      'tftp-server',
      'ssl-initiation',
    ],
  },
  'interfaces *': {
    children: [
      'unit',
      'description',
      'mtu',
      'disable',
      'vlan-tagging',
      'flexible-vlan-tagging',
      'gigether-options',
      'ether-options',
      'aggregated-ether-options',
      'speed',
      'native-vlan-id',
      'encapsulation',
      'link-mode',
      'apply-groups',
      'enable',
      'no-auto-negotiation',
      'auto-negotiation',
      'esi',
      'mac',
      'hold-time',
      'traceoptions',
      'damping',
      'optics-options',
    ],
  },
  'interfaces * unit': {
    children: [
      'family',
      'description',
      'vlan-id',
      'disable',
      'encapsulation',
      'vlan-id-list',
      'apply-groups',
      'enable',
      'proxy-arp',
      'bandwidth',
      'mac',
    ],
    check: words =>
      words.length === 2 && /^\d+$/.test(words[1])
        ? undefined
        : `invalid unit number: '${words[1] ?? ''}'`,
  },
  'interfaces * unit family': {
    check: words =>
      [
        'inet',
        'inet6',
        'ethernet-switching',
        'mpls',
        'iso',
        'ccc',
        'bridge',
        'vpls',
      ].includes(words[1] ?? '')
        ? undefined
        : `invalid family: '${words[1] ?? ''}'`,
  },
  'interfaces * unit family address': {
    check: words =>
      prefix(words[1]) ? undefined : `invalid prefix: '${words[1] ?? ''}'`,
  },
  'routing-options': {
    children: [
      'static',
      'router-id',
      'autonomous-system',
      'rib',
      'aggregate',
      'generate',
      'forwarding-table',
      'instance-import',
      'interface-routes',
      'rib-groups',
      'graceful-restart',
      'martians',
      'maximum-prefixes',
      'nonstop-routing',
      'multipath',
      'resolution',
      'ppm',
      'apply-groups',
    ],
  },
  'routing-options static': { children: ['route', 'defaults', 'rib-group'] },
  'routing-options static route': {
    check: (words, node) => {
      if (!prefix(words[1])) return `invalid prefix: '${words[1] ?? ''}'`;
      const hasNextHop = words.length > 2 || (node.children ?? []).length > 0;
      return hasNextHop
        ? undefined
        : "missing 'next-hop' or other route option";
    },
  },
};

function levelName(node: JunosNode, parentKey: string): string {
  return parentKey === 'interfaces' ? '*' : node.words[0];
}

/** Checks a configuration against the schema; errors carry text positions. */
export function validateJunos(config: JunosConfig): JunosSyntaxError[] {
  const errors: JunosSyntaxError[] = [];
  const walk = (nodes: JunosConfig, key: string, path: string[]) => {
    const level = LEVELS[key];
    for (const node of nodes) {
      const first = node.words[0];
      const at = node.at ?? { line: 0, column: 0 };
      if (
        key === 'interfaces' &&
        !INTERFACE_NAME.test(first) &&
        !['interface-range', 'traceoptions', 'apply-groups'].includes(first)
      ) {
        errors.push({
          ...at,
          token: first,
          message: 'syntax error',
          path,
          statement: statementText(node),
        });
        continue;
      }
      if (
        level?.children &&
        !level.children.includes(first) &&
        key !== 'interfaces'
      ) {
        errors.push({
          ...at,
          token: first,
          message: 'syntax error',
          path,
          statement: statementText(node),
        });
        continue;
      }
      const childKey = key ? `${key} ${levelName(node, key)}` : first;
      const problem = LEVELS[childKey]?.check?.(node.words, node);
      if (problem) {
        errors.push({
          ...at,
          token: node.words[1] ?? first,
          message: problem,
          path,
          statement: statementText(node),
        });
        continue;
      }
      if (node.children) {
        walk(node.children, childKey, [...path, statementText(node)]);
      }
    }
  };
  walk(config, '', []);
  return errors;
}

/** Formats a load error the way Junos reports errors in terminal input. */
export function formatLoadError(
  error: JunosSyntaxError,
  source = 'terminal',
): string {
  const lines = [
    `${source}:${error.line}:(${error.column}) ${
      error.message === 'syntax error'
        ? `syntax error: ${error.token}`
        : `error: ${error.message}`
    }`,
  ];
  lines.push(`  [edit${error.path.length ? ` ${error.path.join(' ')}` : ''}]`);
  if (error.statement)
    lines.push(
      `    '${error.statement}${error.message === 'syntax error' ? ';' : ''}'`,
    );
  lines.push(
    `      ${
      error.message === 'syntax error' ? 'syntax error' : error.message
    }`,
  );
  return lines.join('\n');
}

const BUILTIN_CLASSES = ['super-user', 'operator', 'read-only', 'unauthorized'];

/** What "commit check" finds beyond syntax: mandatory statements, references. */
export function commitProblems(config: JunosConfig): string[] {
  const problems: string[] = [];
  const system = config.find(n => n.words[0] === 'system' && n.children);
  // Junos commits nothing without a root password or key.
  const root = system?.children?.find(
    n => n.words[0] === 'root-authentication' && n.children?.length,
  );
  if (!root) {
    problems.push(
      `[edit]\n  'system'\n    Missing mandatory statement: 'root-authentication'`,
    );
  }
  const login = system?.children?.find(
    n => n.words[0] === 'login' && n.children,
  );
  const classes = new Set(BUILTIN_CLASSES);
  for (const n of login?.children ?? []) {
    if (n.words[0] === 'class' && n.children && n.words[1])
      classes.add(n.words[1]);
  }
  for (const user of login?.children ?? []) {
    if (user.words[0] !== 'user') continue;
    const cls = (user.children ?? []).find(n => n.words[0] === 'class');
    const where = `[edit system login ${statementText(user)}]`;
    if (!cls) {
      problems.push(
        `${where}\n  'class'\n    Missing mandatory statement: 'class'`,
      );
    } else if (!classes.has(cls.words[1] ?? '')) {
      problems.push(
        `${where}\n  'class ${cls.words[1] ?? ''}'\n    Referenced class '${
          cls.words[1] ?? ''
        }' is not defined`,
      );
    }
  }
  return problems;
}
