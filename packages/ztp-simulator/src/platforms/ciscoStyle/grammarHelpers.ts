import type { ArgumentProblem, KeywordSpec, ModeSpec } from './grammar';
import { normalizeInterfaceName } from './validators';

/** Keywords accepted with any arguments. */
export function anyArgs(names: readonly string[]): Record<string, KeywordSpec> {
  return Object.fromEntries(names.map(n => [n, { minArgs: 0 }]));
}

/**
 * A mode whose lines are not modelled in detail. `ownKeywords` are first
 * words of its commands that an enclosing mode knows too.
 */
export function freeMode(
  prompt: string,
  ownKeywords?: readonly string[],
): ModeSpec {
  return {
    prompt: () => prompt,
    keywords: {},
    acceptsAnyLine: true,
    ...(ownKeywords ? { ownKeywords } : {}),
  };
}

/** The "interface" keyword: checks and expands the interface name. */
export function interfaceKeyword(
  types: readonly string[],
  mode: string,
  options: { allowRange?: boolean } = {},
): KeywordSpec {
  return {
    minArgs: 1,
    check: args => {
      if (options.allowRange && args[0].toLowerCase() === 'range') {
        return args.length > 1 ? undefined : { index: 1, kind: 'incomplete' };
      }
      const name = normalizeInterfaceName(args, types);
      if (!name) {
        const typeOnly = /^[A-Za-z-]+$/.test(args[0]) && args.length === 1;
        return typeOnly
          ? { index: 1, kind: 'incomplete' }
          : { index: 0, kind: 'invalid' };
      }
      return undefined;
    },
    normalize: args => {
      if (options.allowRange && args[0].toLowerCase() === 'range') return args;
      const name = normalizeInterfaceName(args, types);
      return name ? [name.name, ...args.slice(name.consumed)] : [];
    },
    enters: [{ when: () => true, mode }],
  };
}

/** Checks words after a sub-keyword: `checks` apply from index 1. */
export function afterSub(
  checksBySub: Record<string, (args: string[]) => ArgumentProblem | undefined>,
): (args: string[]) => ArgumentProblem | undefined {
  return args => checksBySub[args[0]]?.(args);
}
