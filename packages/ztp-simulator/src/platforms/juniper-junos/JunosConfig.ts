/**
 * The Junos configuration model: a tree of statements, read from and shown
 * in the curly-brace format, merged the way "load merge/replace/override"
 * do, compared the way "show | compare" shows differences.
 */

export type JunosNode = {
  /** The statement's words, e.g. ["host-name", "edge-01"] or ["unit", "0"]. */
  words: string[];
  /** Sub-statements; undefined for a leaf ("...;"). */
  children?: JunosNode[];
  /** "replace:" tag from a load replace input. */
  replace?: boolean;
  inactive?: boolean;
  /** Where the statement started in the text it was read from. */
  at?: { line: number; column: number };
};

export type JunosConfig = JunosNode[];

export type JunosSyntaxError = {
  line: number;
  column: number;
  token: string;
  message: string;
  /** The hierarchy the error is in, e.g. "system login". */
  path: string[];
  statement?: string;
};

type Token = {
  kind: 'word' | 'string' | '{' | '}' | ';' | '[' | ']';
  text: string;
  line: number;
  column: number;
};

function tokenize(text: string): Token[] | JunosSyntaxError {
  const tokens: Token[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      line++;
      lineStart = ++i;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const column = i - lineStart + 1;
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (let j = i; j < stop; j++) {
        if (text[j] === '\n') {
          line++;
          lineStart = j + 1;
        }
      }
      i = stop;
      continue;
    }
    if ('{};[]'.includes(c)) {
      tokens.push({ kind: c as Token['kind'], text: c, line, column });
      i++;
      continue;
    }
    if (c === '"') {
      let value = '';
      let j = i + 1;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        if (text[j] === '\n') {
          line++;
          lineStart = j + 1;
        }
        value += text[j++];
      }
      if (j >= text.length) {
        return {
          line,
          column,
          token: text.slice(i, i + 20),
          message: 'syntax error, unterminated string',
          path: [],
        };
      }
      tokens.push({ kind: 'string', text: value, line, column });
      i = j + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s{};[\]"]/.test(text[j])) j++;
    tokens.push({ kind: 'word', text: text.slice(i, j), line, column });
    i = j;
  }
  return tokens;
}

/** Parses curly-brace configuration text. */
export function parseJunosConfig(
  text: string,
): { config: JunosConfig } | { error: JunosSyntaxError } {
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return { error: tokens };
  let pos = 0;
  const path: string[] = [];

  const fail = (
    token: Token | undefined,
    message: string,
  ): JunosSyntaxError => ({
    line: token?.line ?? 0,
    column: token?.column ?? 0,
    token: token?.text ?? '',
    message,
    path: [...path],
  });

  const parseBlock = (closing: boolean): JunosNode[] | JunosSyntaxError => {
    const nodes: JunosNode[] = [];
    for (;;) {
      const token = tokens[pos];
      if (!token) {
        return closing
          ? fail(tokens[pos - 1], "syntax error, expecting '}'")
          : nodes;
      }
      if (token.kind === '}') {
        if (!closing) return fail(token, 'syntax error');
        pos++;
        return nodes;
      }
      const node: JunosNode = { words: [] };
      while (
        tokens[pos]?.kind === 'word' &&
        /^(replace|inactive|delete|protect):$/.test(tokens[pos].text)
      ) {
        const tag = tokens[pos].text;
        if (tag === 'replace:') node.replace = true;
        if (tag === 'inactive:') node.inactive = true;
        pos++;
      }
      const start = tokens[pos];
      if (start) node.at = { line: start.line, column: start.column };
      while (
        tokens[pos] &&
        (tokens[pos].kind === 'word' || tokens[pos].kind === 'string')
      ) {
        node.words.push(tokens[pos].text);
        pos++;
      }
      const end = tokens[pos];
      if (end?.kind === '[') {
        const list: string[] = [];
        pos++;
        while (
          tokens[pos] &&
          (tokens[pos].kind === 'word' || tokens[pos].kind === 'string')
        ) {
          list.push(tokens[pos].text);
          pos++;
        }
        if (tokens[pos]?.kind !== ']')
          return fail(tokens[pos] ?? end, "syntax error, expecting ']'");
        pos++;
        node.words.push(`[ ${list.join(' ')} ]`);
        if (tokens[pos]?.kind !== ';')
          return fail(tokens[pos] ?? end, "syntax error, expecting ';'");
        pos++;
      } else if (end?.kind === ';') {
        pos++;
      } else if (end?.kind === '{') {
        pos++;
        path.push(node.words.join(' '));
        const children = parseBlock(true);
        path.pop();
        if (!Array.isArray(children)) return children;
        node.children = children;
      } else {
        return fail(
          end ?? start,
          end ? 'syntax error' : "syntax error, expecting ';' or '{'",
        );
      }
      if (node.words.length === 0) return fail(start ?? end, 'syntax error');
      nodes.push(node);
    }
  };

  const result = parseBlock(false);
  if (!Array.isArray(result)) return { error: result };
  return { config: result };
}

function quote(word: string): string {
  if (word.startsWith('[ ')) return word;
  return word === '' || /[\s;{}#"'$*&|!<>()]/.test(word)
    ? `"${word.replace(/"/g, '\\"')}"`
    : word;
}

export function statementText(node: JunosNode): string {
  return node.words.map(quote).join(' ');
}

/** Curly-brace text with four-space indents, as Junos shows it. */
export function renderJunosConfig(config: JunosConfig, depth = 0): string[] {
  const out: string[] = [];
  const pad = '    '.repeat(depth);
  for (const node of config) {
    const prefix = node.inactive ? 'inactive: ' : '';
    const text = statementText(node);
    if (node.children) {
      out.push(`${pad}${prefix}${text} {`);
      out.push(...renderJunosConfig(node.children, depth + 1));
      out.push(`${pad}}`);
    } else {
      const secret =
        node.words[0] === 'encrypted-password' ? ' ## SECRET-DATA' : '';
      out.push(`${pad}${prefix}${text};${secret}`);
    }
  }
  return out;
}

/** "set ..." lines, as "| display set" shows them. */
export function displaySet(config: JunosConfig, path: string[] = []): string[] {
  const out: string[] = [];
  for (const node of config) {
    const here = [...path, statementText(node)];
    if (node.children && node.children.length) {
      out.push(...displaySet(node.children, here));
    } else {
      out.push(`set ${here.join(' ')}`);
    }
    if (node.inactive) out.push(`deactivate ${here.join(' ')}`);
  }
  return out;
}

/** Statements that take a name or a value after their keyword as identity. */
const KEYED = new Set([
  'route',
  'address',
  'name-server',
  'server',
  'member',
  'community',
  'neighbor',
  'user',
  'unit',
  'term',
  'host',
  'interface',
  'vlan',
  'group',
  'policy-statement',
  'prefix-list',
  'class',
  'family',
  'file',
  'from-zone',
  'to-zone',
  'zone',
  'security-zone',
  'instance',
  'ssh-rsa',
  'ssh-ecdsa',
  'ssh-ed25519',
  'filter',
  'static-route',
  'peer',
]);

/** What makes two statements at the same level "the same" for merging. */
export function identity(node: JunosNode): string {
  if (node.children) return node.words.join(' ');
  const [first, second] = node.words;
  if (second !== undefined && KEYED.has(first)) return `${first} ${second}`;
  return first;
}

export function cloneJunos(config: JunosConfig): JunosConfig {
  return config.map(n => ({
    ...n,
    words: [...n.words],
    children: n.children ? cloneJunos(n.children) : undefined,
  }));
}

/** "load merge": new statements are added, same ones updated, containers merged. */
export function mergeJunos(
  base: JunosConfig,
  incoming: JunosConfig,
  honourReplaceTags: boolean,
): JunosConfig {
  const result = cloneJunos(base);
  for (const node of incoming) {
    const id = identity(node);
    const index = result.findIndex(
      n => identity(n) === id && Boolean(n.children) === Boolean(node.children),
    );
    const incomingCopy: JunosNode = {
      words: [...node.words],
      inactive: node.inactive,
      children: node.children ? stripTags(node.children) : undefined,
    };
    if (index < 0) {
      result.push(incomingCopy);
    } else if (
      node.children &&
      result[index].children &&
      !(honourReplaceTags && node.replace)
    ) {
      result[index] = {
        ...result[index],
        children: mergeJunos(
          result[index].children!,
          node.children,
          honourReplaceTags,
        ),
      };
    } else {
      result[index] = incomingCopy;
    }
  }
  return result;
}

function stripTags(config: JunosConfig): JunosConfig {
  return config.map(n => ({
    words: [...n.words],
    inactive: n.inactive,
    children: n.children ? stripTags(n.children) : undefined,
  }));
}

export function junosEqual(a: JunosConfig, b: JunosConfig): boolean {
  return renderJunosConfig(a).join('\n') === renderJunosConfig(b).join('\n');
}

/** "show | compare": the differences, grouped under [edit ...] headers. */
export function compareJunos(before: JunosConfig, after: JunosConfig): string {
  const out: string[] = [];
  const walk = (a: JunosConfig, b: JunosConfig, path: string[]) => {
    const changes: string[] = [];
    const nested: Array<[JunosNode, JunosNode]> = [];
    const key = (n: JunosNode) => `${n.children ? 'c' : 'l'}:${identity(n)}`;
    const inB = new Map(b.map(n => [key(n), n]));
    const inA = new Map(a.map(n => [key(n), n]));
    const block = (sign: string, node: JunosNode) =>
      renderJunosConfig([node]).map(l => `${sign}  ${l}`);
    for (const node of a) {
      const other = inB.get(key(node));
      if (!other) changes.push(...block('-', node));
      else if (node.children && other.children) nested.push([node, other]);
      else if (
        statementText(node) !== statementText(other) ||
        node.inactive !== other.inactive
      ) {
        changes.push(...block('-', node), ...block('+', other));
      }
    }
    for (const node of b) {
      if (!inA.has(key(node))) changes.push(...block('+', node));
    }
    if (changes.length) {
      out.push(path.length ? `[edit ${path.join(' ')}]` : '[edit]', ...changes);
    }
    for (const [x, y] of nested)
      walk(x.children!, y.children!, [...path, statementText(x)]);
  };
  walk(before, after, []);
  return out.length ? `${out.join('\n')}\n` : '';
}

/** The statement at a path of statement texts, e.g. ["system", "login"]. */
export function findPath(
  config: JunosConfig,
  path: string[],
): JunosNode | undefined {
  let level = config;
  let found: JunosNode | undefined;
  for (const part of path) {
    found = level.find(n => statementText(n) === part || n.words[0] === part);
    if (!found) return undefined;
    level = found.children ?? [];
  }
  return found;
}

/** Finds a leaf value such as ["system", "host-name"]. */
export function leafValue(
  config: JunosConfig,
  path: string[],
): string | undefined {
  const parent = findPath(config, path.slice(0, -1));
  const level = path.length > 1 ? parent?.children : config;
  const leaf = level?.find(
    n => !n.children && n.words[0] === path[path.length - 1],
  );
  return leaf?.words[1];
}
