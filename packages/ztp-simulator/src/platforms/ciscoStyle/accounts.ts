import type { StoredSecret } from '../../crypto/verifyPasswordHash';
import type { ConfigNode } from './ConfigTree';
import type { LocalAccount } from '../types';

/**
 * Reads the local accounts of an IOS-like configuration: "username NAME ...
 * secret|password [TYPE] VALUE" lines. `hashTypes` maps the type words that
 * announce a hash (IOS "9", NX-OS "5", EOS "sha512"); "0" or no type word
 * means clear text.
 */
export function usernameAccounts(
  root: ConfigNode,
  hashTypes: readonly string[],
): LocalAccount[] {
  const accounts: LocalAccount[] = [];
  for (const node of root.children) {
    const words = node.line.split(/\s+/);
    if (words[0] !== 'username' || !words[1]) continue;
    const at = words.findIndex(
      (w, i) => i > 1 && (w === 'secret' || w === 'password'),
    );
    if (at < 0) continue;
    const first = words[at + 1];
    const second = words[at + 2];
    let secret: StoredSecret | undefined;
    if (
      first !== undefined &&
      second !== undefined &&
      hashTypes.includes(first)
    ) {
      secret = { kind: 'hash', value: second };
    } else if (first === '0' && second !== undefined) {
      secret = { kind: 'clear', value: second };
    } else if (
      first !== undefined &&
      (second === undefined || isTrailingOption(second))
    ) {
      secret = { kind: 'clear', value: first };
    }
    if (secret) accounts.push({ username: words[1], secret });
  }
  return accounts;
}

/** Words that may follow the secret on NX-OS and EOS lines. */
function isTrailingOption(word: string): boolean {
  return ['role', 'privilege', 'expire'].includes(word);
}

/** The value of a top-level "KEYWORD value" line. */
export function topLevelValue(
  root: ConfigNode,
  keyword: string,
): string | undefined {
  const node = root.children.find(c => c.line.startsWith(`${keyword} `));
  return node?.line.slice(keyword.length + 1).trim();
}

/** The text of a configured banner ("banner motd ^C...^C" or EOS "EOF"). */
export function bannerText(root: ConfigNode, type: string): string | undefined {
  const node = root.children.find(c => c.line.startsWith(`banner ${type}`));
  if (!node) return undefined;
  const rest = node.line.slice(`banner ${type}`.length);
  if (rest.startsWith('\n')) {
    return rest
      .slice(1)
      .replace(/\nEOF$/, '')
      .concat('\n');
  }
  const body = rest.trimStart();
  const delimiter = body.startsWith('^C') ? '^C' : body[0];
  const end = body.lastIndexOf(delimiter);
  return `${body.slice(delimiter.length, end > 0 ? end : undefined)}\n`;
}
