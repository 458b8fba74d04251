import { tokenize, type Token } from './tokenize';

/**
 * A command pattern: literal keywords and placeholders. "<name>" takes one
 * word, "<name...>" takes the rest of the line, "[word]" is an optional
 * literal keyword.
 */
export type CommandSpec<T> = { pattern: string; value: T };

export type MatchResult<T> =
  | {
      kind: 'ok';
      value: T;
      /** Placeholder values by name. */
      args: Record<string, string>;
      /** The keywords as the pattern spells them (abbreviations expanded). */
      words: string[];
    }
  /** A word nothing accepts; offset is where it starts in the line. */
  | { kind: 'invalid'; offset: number; token?: string }
  | { kind: 'ambiguous'; offset: number; token: string }
  | { kind: 'incomplete'; offset: number };

type Part =
  | { type: 'literal'; word: string; optional: boolean }
  | { type: 'arg'; name: string; rest: boolean };

function parsePattern(pattern: string): Part[] {
  return pattern.split(/\s+/).map((w): Part => {
    const arg = /^<([\w-]+)(\.\.\.)?>$/.exec(w);
    if (arg) return { type: 'arg', name: arg[1], rest: Boolean(arg[2]) };
    const optional = /^\[([^\]]+)\]$/.exec(w);
    if (optional) return { type: 'literal', word: optional[1], optional: true };
    return { type: 'literal', word: w, optional: false };
  });
}

type State<T> = {
  spec: CommandSpec<T>;
  parts: Part[];
  index: number;
  args: Record<string, string>;
  words: string[];
  /** Whether the last word was taken as a keyword (not an argument). */
  lastWasKeyword: boolean;
  done: boolean;
};

/**
 * Matches command lines against patterns the way the network CLIs do:
 * keywords may be abbreviated to any unambiguous prefix, and an exact
 * keyword wins over a longer one it is a prefix of.
 */
export class CommandMatcher<T> {
  private readonly specs: Array<{ spec: CommandSpec<T>; parts: Part[] }>;

  constructor(specs: Array<CommandSpec<T>>) {
    this.specs = specs.map(spec => ({
      spec,
      parts: parsePattern(spec.pattern),
    }));
  }

  match(line: string, baseOffset = 0): MatchResult<T> {
    return this.matchTokens(tokenize(line), baseOffset, line.length);
  }

  matchTokens(
    tokens: Token[],
    baseOffset: number,
    lineLength: number,
  ): MatchResult<T> {
    let states: State<T>[] = this.specs.map(s => ({
      spec: s.spec,
      parts: s.parts,
      index: 0,
      args: {},
      words: [],
      lastWasKeyword: false,
      done: false,
    }));
    for (let t = 0; t < tokens.length; t++) {
      const token = tokens[t];
      const word = token.text.toLowerCase();
      const next: State<T>[] = [];
      for (const state of states) {
        if (state.done) {
          continue;
        }
        let index = state.index;
        // Skip optional keywords that do not match this word.
        while (index < state.parts.length) {
          const part = state.parts[index];
          if (
            part.type === 'literal' &&
            part.optional &&
            !part.word.toLowerCase().startsWith(word)
          ) {
            index++;
            continue;
          }
          break;
        }
        const part = state.parts[index];
        if (!part) continue;
        if (part.type === 'arg') {
          if (part.rest) {
            const restText = tokens
              .slice(t)
              .map(x => x.text)
              .join(' ');
            next.push({
              ...state,
              index: index + 1,
              args: { ...state.args, [part.name]: restText },
              lastWasKeyword: false,
              done: true,
            });
          } else {
            next.push({
              ...state,
              index: index + 1,
              args: { ...state.args, [part.name]: token.text },
              lastWasKeyword: false,
            });
          }
        } else if (part.word.toLowerCase().startsWith(word)) {
          next.push({
            ...state,
            index: index + 1,
            words: [...state.words, part.word],
            lastWasKeyword: true,
          });
        }
      }
      if (next.length === 0) {
        return {
          kind: 'invalid',
          offset: baseOffset + token.start,
          token: token.text,
        };
      }
      // Among keyword matches, an exact keyword wins; different keywords that
      // the word abbreviates make the line ambiguous.
      const keywordStates = next.filter(s => s.lastWasKeyword);
      const exact = keywordStates.filter(
        s => s.words[s.words.length - 1].toLowerCase() === word,
      );
      let kept = next;
      if (exact.length > 0) {
        kept = next.filter(s => !s.lastWasKeyword || exact.includes(s));
      } else {
        const distinct = new Set(
          keywordStates.map(s => s.words[s.words.length - 1]),
        );
        if (distinct.size > 1 && keywordStates.length === next.length) {
          return {
            kind: 'ambiguous',
            offset: baseOffset + token.start,
            token: token.text,
          };
        }
      }
      states = kept;
      if (states.every(s => s.done)) break;
    }
    const complete = states.filter(
      s =>
        s.done ||
        s.parts.slice(s.index).every(p => p.type === 'literal' && p.optional),
    );
    if (complete.length === 0) {
      return { kind: 'incomplete', offset: baseOffset + lineLength };
    }
    // Prefer the pattern that used the most keywords (the most specific).
    complete.sort((a, b) => b.words.length - a.words.length);
    const best = complete[0];
    return {
      kind: 'ok',
      value: best.spec.value,
      args: best.args,
      words: best.words,
    };
  }
}
