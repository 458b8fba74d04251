/**
 * The configuration grammar of an IOS-like CLI: which keywords each mode
 * accepts, which lines enter a sub-mode, and which words identify a setting
 * (so that a new value replaces the old one).
 */

/** Where an argument is wrong: index into the words after the keyword. */
export type ArgumentProblem = {
  index: number;
  kind: 'invalid' | 'incomplete';
};

export type KeywordSpec = {
  /** Allowed second words (abbreviations accepted and expanded). */
  sub?: readonly string[];
  /** Minimum number of words after the keyword (and sub-keyword). */
  minArgs?: number;
  /** Checks the words after the keyword (sub-keyword included). */
  check?: (args: string[]) => ArgumentProblem | undefined;
  /**
   * Sub-modes entered when the words after the keyword match; the label is
   * handed to the mode's prompt (e.g. the interface name).
   */
  enters?: ReadonlyArray<{
    when: (args: string[]) => boolean;
    mode: string;
  }>;
  /** Rewrites the words after the keyword (e.g. interface name expansion). */
  normalize?: (args: string[]) => string[];
};

export type ModeSpec = {
  /** Prompt suffix inside the parentheses, given the line that entered it. */
  prompt: (enteringArgs: string[]) => string;
  keywords: Readonly<Record<string, KeywordSpec>>;
  /**
   * A keyword that closes this mode and stays in the configuration at the
   * mode's own level (IOS "exit-address-family").
   */
  closingKeyword?: string;
  /**
   * Modes whose statements are not modelled in detail (ACL entries, crypto,
   * policies): any line is accepted, unless an enclosing mode accepts it,
   * which leaves this one as on the real CLI.
   */
  acceptsAnyLine?: boolean;
  /**
   * First words of a free-form mode's own commands that enclosing modes
   * know too ("ip vrf forwarding" in an AAA server group): such lines stay
   * in this mode.
   */
  ownKeywords?: readonly string[];
};

export type CliErrorKind = 'invalid' | 'incomplete' | 'ambiguous';

/**
 * Formats a rejected line the platform's way. `column` is where the bad word
 * starts on the terminal (prompt included), for the caret marker.
 */
export type ErrorFormatter = (
  error: { kind: CliErrorKind; token?: string },
  column: number,
) => string;

export type CiscoStyleGrammar = {
  /** The global configuration mode. */
  root: ModeSpec;
  modes: Readonly<Record<string, ModeSpec>>;
  /**
   * Identifying words of settings that take one value: "hostname" -> 1
   * means any "hostname ..." line replaces the previous one.
   */
  replaceKeys: Readonly<Record<string, number>>;
  /** Settings whose "no" form is kept as a line ("no shutdown"). */
  keptNegations: readonly string[];
  /** Keywords that may span several lines with a delimiter (banners). */
  multilineKeywords?: readonly string[];
  /**
   * Rules that depend on the rest of the configuration (NX-OS "feature"):
   * returns where the line is wrong, or undefined.
   */
  dependsOn?: (
    keyword: string,
    args: string[],
    root: import('./ConfigTree').ConfigNode,
  ) => ArgumentProblem | undefined;
};

/** Expands an abbreviated word among candidates; undefined if none or ambiguous. */
export function expandWord(
  word: string,
  candidates: readonly string[],
): { word?: string; ambiguous?: boolean } {
  const lower = word.toLowerCase();
  const exact = candidates.find(c => c.toLowerCase() === lower);
  if (exact) return { word: exact };
  const matches = candidates.filter(c => c.toLowerCase().startsWith(lower));
  if (matches.length === 1) return { word: matches[0] };
  if (matches.length > 1) return { ambiguous: true };
  return {};
}
