import type { ArgumentProblem } from './grammar';

export function isIpv4(value: string): boolean {
  const parts = value.split('.');
  return (
    parts.length === 4 &&
    parts.every(p => /^\d{1,3}$/.test(p) && Number(p) <= 255)
  );
}

/** A dotted netmask with contiguous ones (255.255.255.0). */
export function isNetmask(value: string): boolean {
  if (!isIpv4(value)) return false;
  const bits = value
    .split('.')
    .map(p => Number(p).toString(2).padStart(8, '0'))
    .join('');
  return /^1*0*$/.test(bits);
}

/** "a.b.c.d/len" with len 0-32. */
export function isIpv4Prefix(value: string): boolean {
  const [ip, len, extra] = value.split('/');
  return (
    extra === undefined &&
    isIpv4(ip) &&
    /^\d{1,2}$/.test(len ?? '') &&
    Number(len) <= 32
  );
}

export function isHostname(value: string): boolean {
  return /^[A-Za-z0-9]([A-Za-z0-9_.-]{0,62})$/.test(value);
}

/** The words must be exactly those checks, in order. */
export function expectWords(
  args: string[],
  checks: Array<(w: string) => boolean>,
  offset = 0,
): ArgumentProblem | undefined {
  for (let i = 0; i < checks.length; i++) {
    const word = args[offset + i];
    if (word === undefined) return { index: offset + i, kind: 'incomplete' };
    if (!checks[i](word)) return { index: offset + i, kind: 'invalid' };
  }
  return undefined;
}

/**
 * Expands an interface name the way the CLIs accept it: "gi1/0/1",
 * "GigabitEthernet 1/0/1", "eth1/1", "mgmt0", "Ma1". Returns the canonical
 * name, or undefined when the type or the number is not valid.
 */
export function normalizeInterfaceName(
  args: string[],
  types: readonly string[],
): { name: string; consumed: number } | undefined {
  if (args.length === 0) return undefined;
  let typeText: string;
  let number: string;
  let consumed = 1;
  const joined = /^([A-Za-z-]+)([\d/.:]+)$/.exec(args[0]);
  if (joined) {
    typeText = joined[1];
    number = joined[2];
  } else if (/^[A-Za-z-]+$/.test(args[0]) && args[1] !== undefined) {
    typeText = args[0];
    number = args[1];
    consumed = 2;
  } else {
    return undefined;
  }
  if (!/^\d+(\/\d+)*(\.\d+)?$/.test(number)) return undefined;
  const lower = typeText.toLowerCase();
  const exact = types.find(t => t.toLowerCase() === lower);
  const matches = exact
    ? [exact]
    : types.filter(t => t.toLowerCase().startsWith(lower));
  if (matches.length !== 1) return undefined;
  return { name: `${matches[0]}${number}`, consumed };
}

/** "hostname NAME": exactly one valid name. */
export function checkHostname(args: string[]): ArgumentProblem | undefined {
  if (!isHostname(args[0])) return { index: 0, kind: 'invalid' };
  if (args.length > 1) return { index: 1, kind: 'invalid' };
  return undefined;
}
