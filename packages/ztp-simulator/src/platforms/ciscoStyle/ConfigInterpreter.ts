import { tokenize } from '../../cli/tokenize';
import { type ConfigNode, findChild } from './ConfigTree';
import {
  type ArgumentProblem,
  type CiscoStyleGrammar,
  type ModeSpec,
  expandWord,
} from './grammar';

export type ModeFrame = {
  mode: ModeSpec;
  node: ConfigNode;
  /** The words after the keyword that entered the mode. */
  args: string[];
};

export type FeedResult =
  | { kind: 'ok' }
  /** A blank line or a comment. */
  | { kind: 'ignored' }
  /** "end" (or "exit" at the top): configuration mode is over. */
  | { kind: 'end' }
  /** Further lines are banner text until the delimiter. */
  | { kind: 'text'; delimiter: string }
  /** "do <command>": an exec command run from configuration mode. */
  | { kind: 'do'; command: string }
  | {
      kind: 'error';
      error: 'invalid' | 'incomplete' | 'ambiguous';
      /** Character offset of the bad word in the line. */
      offset: number;
      token?: string;
    };

type PendingText = {
  frame: ModeFrame;
  head: string;
  delimiter: string;
  lines: string[];
};

/**
 * Applies configuration lines to a configuration tree the way an IOS-like
 * CLI does: keyword abbreviations, sub-modes, falling back to enclosing modes
 * for their keywords, "no" forms, and settings that replace their old value.
 */
export class ConfigInterpreter {
  private readonly grammar: CiscoStyleGrammar;
  private readonly root: ConfigNode;
  private stack: ModeFrame[];
  private pending: PendingText | undefined;

  constructor(grammar: CiscoStyleGrammar, root: ConfigNode) {
    this.grammar = grammar;
    this.root = root;
    this.stack = [{ mode: grammar.root, node: root, args: [] }];
  }

  /** The prompt suffix of the current mode, e.g. "config-if". */
  get promptSuffix(): string {
    const top = this.stack[this.stack.length - 1];
    return top.mode.prompt(top.args);
  }

  get depth(): number {
    return this.stack.length;
  }

  get readingText(): boolean {
    return this.pending !== undefined;
  }

  feed(rawLine: string): FeedResult {
    if (this.pending) return this.feedText(rawLine);
    const line = rawLine.trim();
    if (!line || line.startsWith('!')) return { kind: 'ignored' };
    const tokens = tokenize(rawLine);
    const words = tokens.map(t => t.text);
    const first = words[0].toLowerCase();

    if (first === 'end') {
      this.stack = this.stack.slice(0, 1);
      return { kind: 'end' };
    }
    if (first === 'exit') {
      if (this.stack.length > 1) {
        this.stack.pop();
        return { kind: 'ok' };
      }
      return { kind: 'end' };
    }
    if (first === 'do') {
      return { kind: 'do', command: line.slice(2).trim() };
    }

    const negated = first === 'no' || first === 'default';
    const at = negated ? 1 : 0;
    if (words.length <= at) {
      return { kind: 'error', error: 'incomplete', offset: rawLine.length };
    }

    // Like IOS, a line the current mode rejects is tried in each enclosing
    // mode, and the first mode that takes it becomes the current one (a
    // top-level command leaves the sub-mode). A mode where the first word is
    // a keyword as typed comes before one where it only abbreviates a
    // keyword: "router bgp 1" in "router ospf 1" is not "router-id". The
    // error reported is the one that parsed furthest.
    const word = words[at].toLowerCase();
    let best: Extract<FeedResult, { kind: 'error' }> | undefined;
    for (const depth of this.searchOrder(word)) {
      const frame = this.stack[depth];
      if (frame.mode.acceptsAnyLine) {
        if (
          !frame.mode.ownKeywords?.includes(word) &&
          this.enclosingAccepts(depth, words, tokens, at, negated, rawLine)
        ) {
          continue;
        }
        this.stack = this.stack.slice(0, depth + 1);
        this.applyLeaf(frame, line, negated);
        return { kind: 'ok' };
      }
      const parsed = this.parseIn(frame, words, tokens, at, negated, rawLine);
      if (parsed.kind === 'error') {
        if (!best || parsed.offset > best.offset) best = parsed;
        continue;
      }
      this.stack = this.stack.slice(0, depth + 1);
      return this.apply(frame, parsed, negated, rawLine);
    }
    return best!;
  }

  /**
   * The depths of the mode stack to try a line in: innermost first, modes
   * that have the first word as a keyword (not an abbreviation) before the
   * others.
   */
  private searchOrder(word: string): number[] {
    const exact: number[] = [];
    const others: number[] = [];
    for (let depth = this.stack.length - 1; depth >= 0; depth--) {
      const mode = this.stack[depth].mode;
      const names = [
        ...Object.keys(mode.keywords),
        ...(mode.ownKeywords ?? []),
        ...(mode.closingKeyword ? [mode.closingKeyword] : []),
      ];
      if (names.some(n => n.toLowerCase() === word)) exact.push(depth);
      else others.push(depth);
    }
    return [...exact, ...others];
  }

  /** Whether a mode enclosing a free-form one takes the line. */
  private enclosingAccepts(
    depth: number,
    words: string[],
    tokens: ReturnType<typeof tokenize>,
    at: number,
    negated: boolean,
    rawLine: string,
  ): boolean {
    return this.stack
      .slice(0, depth)
      .some(
        frame =>
          !frame.mode.acceptsAnyLine &&
          this.parseIn(frame, words, tokens, at, negated, rawLine).kind ===
            'parsed',
      );
  }

  private parseIn(
    frame: ModeFrame,
    words: string[],
    tokens: ReturnType<typeof tokenize>,
    at: number,
    negated: boolean,
    rawLine: string,
  ):
    | { kind: 'parsed'; keyword: string; args: string[] }
    | Extract<FeedResult, { kind: 'error' }> {
    const mode = frame.mode;
    const names = Object.keys(mode.keywords);
    if (mode.closingKeyword) names.push(mode.closingKeyword);
    const found = expandWord(words[at], names);
    if (!found.word) {
      return {
        kind: 'error',
        error: found.ambiguous ? 'ambiguous' : 'invalid',
        offset: tokens[at].start,
        token: words[at],
      };
    }
    const keyword = found.word;
    if (keyword === mode.closingKeyword) {
      return { kind: 'parsed', keyword, args: [] };
    }
    const spec = mode.keywords[keyword];
    let args = words.slice(at + 1);
    const argOffset = (i: number) =>
      i < tokens.length - at - 1 ? tokens[at + 1 + i].start : rawLine.length;
    const fail = (
      problem: ArgumentProblem,
    ): Extract<FeedResult, { kind: 'error' }> => ({
      kind: 'error',
      error: problem.kind,
      offset: argOffset(problem.index),
      token: args[problem.index],
    });

    if (spec.sub) {
      if (args.length === 0) return fail({ index: 0, kind: 'incomplete' });
      const sub = expandWord(args[0], spec.sub);
      if (sub.ambiguous) {
        return {
          kind: 'error',
          error: 'ambiguous',
          offset: argOffset(0),
          token: args[0],
        };
      }
      if (!sub.word) return fail({ index: 0, kind: 'invalid' });
      args = [sub.word, ...args.slice(1)];
    }
    if (!negated) {
      if (args.length < (spec.minArgs ?? 0)) {
        return fail({ index: args.length, kind: 'incomplete' });
      }
      const problem = spec.check?.(args);
      if (problem) return fail(problem);
      const dependency = this.grammar.dependsOn?.(keyword, args, this.root);
      if (dependency) return fail(dependency);
    }
    if (spec.normalize && args.length) {
      const normalized = spec.normalize(args);
      if (!normalized.length) return fail({ index: 0, kind: 'invalid' });
      args = normalized;
    }
    return { kind: 'parsed', keyword, args };
  }

  private apply(
    frame: ModeFrame,
    parsed: { keyword: string; args: string[] },
    negated: boolean,
    rawLine: string,
  ): FeedResult {
    const { keyword, args } = parsed;
    if (keyword === frame.mode.closingKeyword) {
      this.stack.pop();
      return { kind: 'ok' };
    }
    const spec = frame.mode.keywords[keyword];
    const text = [keyword, ...args].join(' ');

    if (!negated && this.grammar.multilineKeywords?.includes(keyword)) {
      return this.startText(frame, keyword, args, rawLine);
    }

    const entry = spec.enters?.find(e => e.when(args));
    if (entry) {
      if (negated) {
        frame.node.children = frame.node.children.filter(
          c => c.line !== text && !c.line.startsWith(`${text} `),
        );
        return { kind: 'ok' };
      }
      let node = findChild(frame.node, text);
      if (!node) {
        node = { line: text, children: [] };
        frame.node.children.push(node);
      }
      this.stack.push({ mode: this.grammar.modes[entry.mode], node, args });
      return { kind: 'ok' };
    }
    this.applyLeaf(frame, text, negated);
    return { kind: 'ok' };
  }

  private replaceKeyOf(text: string): string {
    const words = text.split(' ');
    let best = 0;
    for (const [prefix, count] of Object.entries(this.grammar.replaceKeys)) {
      const p = prefix.split(' ');
      if (
        p.length <= words.length &&
        p.every((w, i) => words[i] === w) &&
        count >= best
      ) {
        best = count;
      }
    }
    return best ? words.slice(0, best).join(' ') : text;
  }

  private applyLeaf(frame: ModeFrame, text: string, negated: boolean): void {
    const children = frame.node.children;
    const keyOf = (line: string) =>
      this.replaceKeyOf(line.startsWith('no ') ? line.slice(3) : line);
    if (negated) {
      if (this.grammar.keptNegations.includes(text)) {
        this.setLeaf(children, `no ${text}`, text);
        return;
      }
      const key = this.replaceKeyOf(text);
      frame.node.children = children.filter(
        c =>
          c.line !== text &&
          !c.line.startsWith(`${text} `) &&
          !(key !== text && keyOf(c.line) === key),
      );
      return;
    }
    this.setLeaf(children, text, keyOf(text));
  }

  private setLeaf(children: ConfigNode[], text: string, key: string): void {
    const keyOf = (line: string) =>
      this.replaceKeyOf(line.startsWith('no ') ? line.slice(3) : line);
    const index = children.findIndex(
      c =>
        c.children.length === 0 && (c.line === text || keyOf(c.line) === key),
    );
    if (index >= 0) children[index] = { line: text, children: [] };
    else children.push({ line: text, children: [] });
  }

  private startText(
    frame: ModeFrame,
    keyword: string,
    args: string[],
    rawLine: string,
  ): FeedResult {
    const type = args[0];
    const afterType = rawLine.slice(
      rawLine.indexOf(type, rawLine.indexOf(keyword) + keyword.length) +
        type.length,
    );
    const body = afterType.trimStart();
    const head = `${keyword} ${type}`;
    if (!body) {
      // EOS style: the text follows on the next lines, ended by "EOF".
      this.pending = { frame, head, delimiter: 'EOF', lines: [] };
      return { kind: 'text', delimiter: 'EOF' };
    }
    const delimiter = body.startsWith('^C') ? '^C' : body[0];
    const rest = body.slice(delimiter.length);
    const close = rest.indexOf(delimiter);
    if (close >= 0) {
      this.storeText(frame, head, delimiter, [rest.slice(0, close)]);
      return { kind: 'ok' };
    }
    this.pending = { frame, head, delimiter, lines: rest ? [rest] : [] };
    return { kind: 'text', delimiter };
  }

  private feedText(rawLine: string): FeedResult {
    const pending = this.pending!;
    let close: number;
    if (pending.delimiter === 'EOF') close = rawLine.trim() === 'EOF' ? 0 : -1;
    else close = rawLine.indexOf(pending.delimiter);
    if (close < 0) {
      pending.lines.push(rawLine);
      return { kind: 'ok' };
    }
    if (pending.delimiter !== 'EOF' && close > 0) {
      pending.lines.push(rawLine.slice(0, close));
    }
    this.pending = undefined;
    this.storeText(
      pending.frame,
      pending.head,
      pending.delimiter,
      pending.lines,
    );
    return { kind: 'ok' };
  }

  private storeText(
    frame: ModeFrame,
    head: string,
    delimiter: string,
    lines: string[],
  ): void {
    const text =
      delimiter === 'EOF'
        ? [head, ...lines, 'EOF'].join('\n')
        : `${head} ${delimiter}${lines.join('\n')}${delimiter}`;
    const children = frame.node.children;
    const index = children.findIndex(
      c =>
        c.line === head ||
        c.line.startsWith(`${head} `) ||
        c.line.startsWith(`${head}\n`),
    );
    const node = { line: text, children: [] };
    if (index >= 0) children[index] = node;
    else children.push(node);
  }
}
