/**
 * The "set" and "delete" commands of Junos configuration mode, and
 * "load set terminal": each names a statement by its path from the top of
 * the hierarchy and changes the candidate configuration only.
 */
import {
  type JunosConfig,
  type JunosNode,
  type JunosSyntaxError,
  cloneJunos,
  identity,
} from './JunosConfig';
import { TOP_LEVEL, validateJunos } from './schema';

/** A word of a command and where it starts in the line (0-based). */
export type CommandWord = { text: string; start: number };

/**
 * Splits a set/delete command into words: double quotes group words (and
 * are dropped), "[ a b ]" is one list value, as in the curly-brace format.
 */
export function tokenizeJunosCommand(
  line: string,
): CommandWord[] | { error: string; start: number } {
  const words: CommandWord[] = [];
  let i = 0;
  while (i < line.length) {
    if (/\s/.test(line[i])) {
      i++;
      continue;
    }
    const start = i;
    if (line[i] === '"') {
      let value = '';
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length) i++;
        value += line[i++];
      }
      if (i >= line.length) return { error: 'unterminated string', start };
      i++;
      words.push({ text: value, start });
    } else if (line[i] === '[') {
      const end = line.indexOf(']', i);
      if (end < 0) return { error: "expecting ']'", start };
      const items = line
        .slice(i + 1, end)
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(w => w.replace(/^"(.*)"$/, '$1'));
      words.push({ text: `[ ${items.join(' ')} ]`, start });
      i = end + 1;
    } else {
      let j = i;
      while (j < line.length && !/[\s"[\]]/.test(line[j])) j++;
      words.push({ text: line.slice(i, j), start: i });
      i = j;
    }
  }
  return words;
}

/*
 * Whether "keyword id... more" opens a block is schema knowledge; these are
 * the blocks a ZTP or final configuration uses, with the number of
 * identifier words after the keyword ("user NAME", "from-zone A to-zone B").
 * A statement not listed is a leaf that takes the remaining words as its
 * value ("host-name edge-01", "peer-as 65000").
 */
const BLOCKS: Record<string, number> = {
  ...Object.fromEntries(TOP_LEVEL.map(k => [k, 0])),
  login: 0,
  'root-authentication': 0,
  authentication: 0,
  'retry-options': 0,
  services: 0,
  ssh: 0,
  netconf: 0,
  syslog: 0,
  ntp: 0,
  'name-server': 0,
  'tacplus-server': 0,
  archival: 0,
  'aggregated-devices': 0,
  ethernet: 0,
  'ether-options': 0,
  'gigether-options': 0,
  'aggregated-ether-options': 0,
  lacp: 0,
  'mc-ae': 0,
  static: 0,
  'forwarding-table': 0,
  bgp: 0,
  ospf: 0,
  lldp: 0,
  rstp: 0,
  iccp: 0,
  'liveness-detection': 0,
  from: 0,
  then: 0,
  screen: 0,
  zones: 0,
  policies: 0,
  'address-book': 0,
  global: 0,
  match: 0,
  'host-inbound-traffic': 0,
  'system-services': 0,
  icmp: 0,
  ip: 0,
  tcp: 0,
  'syn-flood': 0,
  multipath: 0,
  unicast: 0,
  'prefix-limit': 0,
  log: 0,
  user: 1,
  class: 1,
  unit: 1,
  family: 1,
  group: 1,
  neighbor: 1,
  term: 1,
  'policy-statement': 1,
  'prefix-list': 1,
  'security-zone': 1,
  area: 1,
  interface: 1,
  host: 1,
  file: 1,
  application: 1,
  policy: 1,
  'ids-option': 1,
  peer: 1,
  'multi-chassis-protection': 1,
  address: 1,
  filter: 1,
  'from-zone': 3,
};

/** Where the same keyword means something else, by top-level statement. */
const BLOCKS_UNDER: Record<string, Record<string, number | 'leaf'>> = {
  // "family inet filter { input F; }", "family ethernet-switching vlan {
  // members 10; }": no identifier there.
  interfaces: { filter: 0, vlan: 0 },
  // "address-book global address WEB 192.0.2.0/24;" is one leaf.
  security: { address: 'leaf' },
};

/**
 * Statements written on one line with their identifier and value, such as
 * "route 0.0.0.0/0 next-hop 192.0.2.1;" and "server 192.0.2.1 prefer;".
 */
const ONE_LINE = new Set(['route', 'server']);

/** Leaves whose values add up to a list ("members [ 10 20 ];"). */
const LIST_LEAVES = new Set([
  'members',
  'permissions',
  'ciphers',
  'key-exchange',
  'macs',
  'input-list',
  'output-list',
  'authentication-order',
  'apply-groups',
  'vlan-id-list',
  'redundancy-group-id-list',
]);

/** Levels whose statements are names: interfaces, VLANs, instances. */
function isNameLevel(path: string[]): boolean {
  const last = path[path.length - 1];
  if (last === 'interfaces' || last === 'tacplus-server') return true;
  return (
    path.length === 1 &&
    ['vlans', 'routing-instances', 'groups'].includes(path[0])
  );
}

/** Identifier words after `keyword` when it opens a block here, else undefined. */
function blockIdentifiers(path: string[], keyword: string): number | undefined {
  if (isNameLevel(path)) return 0;
  if (path.length === 0) return TOP_LEVEL.includes(keyword) ? 0 : undefined;
  const special = BLOCKS_UNDER[path[0]]?.[keyword];
  if (special === 'leaf') return undefined;
  return special ?? BLOCKS[keyword];
}

function sameWords(node: JunosNode, words: string[]): boolean {
  return (
    node.words.length === words.length &&
    node.words.every((w, i) => w === words[i])
  );
}

function startsWith(words: string[], prefix: string[]): boolean {
  return prefix.every((w, i) => words[i] === w);
}

/** The longest existing block whose words begin `words` (and are fewer). */
function enclosingBlock(
  nodes: JunosNode[],
  words: string[],
): JunosNode | undefined {
  let best: JunosNode | undefined;
  for (const node of nodes) {
    if (
      node.children &&
      node.words.length < words.length &&
      startsWith(words, node.words) &&
      (!best || node.words.length > best.words.length)
    ) {
      best = node;
    }
  }
  return best;
}

function listItems(value: string): string[] {
  return value.startsWith('[ ')
    ? value.slice(2, -2).split(' ').filter(Boolean)
    : [value];
}

/** Adds or replaces a leaf the way "set" does. */
function setLeaf(nodes: JunosNode[], leaf: JunosNode): JunosNode[] {
  if (nodes.some(n => n.children && sameWords(n, leaf.words))) return nodes;
  const id = identity(leaf);
  const index = nodes.findIndex(n => !n.children && identity(n) === id);
  if (index < 0) return [...nodes, leaf];
  const old = nodes[index];
  const keyword = leaf.words[0];
  let replacement = leaf;
  if (
    LIST_LEAVES.has(keyword) &&
    leaf.words.length === 2 &&
    old.words.length === 2
  ) {
    const items = [...listItems(old.words[1])];
    for (const item of listItems(leaf.words[1])) {
      if (!items.includes(item)) items.push(item);
    }
    const value = items.length > 1 ? `[ ${items.join(' ')} ]` : items[0];
    replacement = { ...leaf, words: [keyword, value] };
  }
  return nodes.map((n, i) => (i === index ? replacement : n));
}

function setIn(
  nodes: JunosNode[],
  words: CommandWord[],
  path: string[],
  line: number,
): JunosNode[] {
  const texts = words.map(w => w.text);
  const at = { line, column: words[0].start + 1 };
  const existing = enclosingBlock(nodes, texts);
  if (existing) {
    const rest = words.slice(existing.words.length);
    return nodes.map(n =>
      n === existing
        ? {
            ...n,
            children: setIn(n.children!, rest, [...path, n.words[0]], line),
          }
        : n,
    );
  }
  const ids = blockIdentifiers(path, texts[0]);
  if (
    ids !== undefined &&
    texts.length > ids + 1 &&
    !(ONE_LINE.has(texts[0]) && !isNameLevel(path))
  ) {
    const block: JunosNode = {
      words: texts.slice(0, ids + 1),
      children: [],
      at,
    };
    block.children = setIn([], words.slice(ids + 1), [...path, texts[0]], line);
    // The block takes the place of the same statement without a body
    // ("ssh;" becomes "ssh { ... }").
    return [
      ...nodes.filter(n => n.children || !sameWords(n, block.words)),
      block,
    ];
  }
  return setLeaf(nodes, { words: texts, at });
}

export type EditError = {
  /** Where in the command line the wrong word starts (0-based). */
  start: number;
  /** As "load" reports it, for "load set terminal". */
  error: JunosSyntaxError;
};

function problemsAdded(
  before: JunosConfig,
  after: JunosConfig,
): JunosSyntaxError | undefined {
  const known = new Set(
    validateJunos(before).map(e => JSON.stringify([e.path, e.statement])),
  );
  return validateJunos(after).find(
    e => !known.has(JSON.stringify([e.path, e.statement])),
  );
}

/**
 * "set <statement path>": creates the statement (and the blocks above it)
 * or changes its value. The candidate is unchanged when the result does not
 * fit the schema.
 */
export function applySet(
  config: JunosConfig,
  words: CommandWord[],
  line = 1,
): { config: JunosConfig } | EditError {
  if (!TOP_LEVEL.includes(words[0].text)) {
    return {
      start: words[0].start,
      error: {
        line,
        column: words[0].start + 1,
        token: words[0].text,
        message: 'syntax error',
        path: [],
        statement: words[0].text,
      },
    };
  }
  const next = setIn(cloneJunos(config), words, [], line);
  const problem = problemsAdded(config, next);
  if (problem) {
    return { start: problem.column - 1, error: problem };
  }
  return { config: next };
}

function deleteIn(
  nodes: JunosNode[],
  words: string[],
): JunosNode[] | undefined {
  const exact = nodes.find(n => sameWords(n, words));
  if (exact) return nodes.filter(n => n !== exact);
  const block = enclosingBlock(nodes, words);
  if (block) {
    const children = deleteIn(block.children!, words.slice(block.words.length));
    if (!children) return undefined;
    if (children.length === 0 && block.words.length === 1) {
      // A block left empty goes too; one with an identifier stays as a
      // statement of its own ("family inet;").
      return nodes.filter(n => n !== block);
    }
    const updated: JunosNode = children.length
      ? { ...block, children }
      : { words: block.words, inactive: block.inactive, at: block.at };
    return nodes.map(n => (n === block ? updated : n));
  }
  // "delete system host-name" removes "host-name edge-01;".
  const leaf = nodes.find(
    n =>
      !n.children &&
      n.words.length > words.length &&
      startsWith(n.words, words),
  );
  return leaf ? nodes.filter(n => n !== leaf) : undefined;
}

/**
 * "delete <statement path>": removes the statement and everything below
 * it. Undefined config means there was no such statement.
 */
export function applyDelete(
  config: JunosConfig,
  words: CommandWord[],
  line = 1,
): { config: JunosConfig | undefined } | EditError {
  if (!TOP_LEVEL.includes(words[0].text)) {
    return {
      start: words[0].start,
      error: {
        line,
        column: words[0].start + 1,
        token: words[0].text,
        message: 'syntax error',
        path: [],
        statement: words[0].text,
      },
    };
  }
  return {
    config: deleteIn(
      config,
      words.map(w => w.text),
    ),
  };
}
