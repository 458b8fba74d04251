/** Dates come back as Date (pg), number or string (SQLite). */
export function toDate(value: unknown): Date | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value;
  if (typeof value === 'number') return new Date(value);
  const s = String(value);
  return /^\d+$/.test(s) ? new Date(Number(s)) : new Date(s);
}

/** A nullable column as an optional field. */
export const opt = <T>(v: T | null | undefined): T | undefined =>
  v === null ? undefined : v;

/** Distinct values interned so far, bounded: a fleet has few of each. */
const interned = new Map<string, string>();
const MAX_INTERNED = 20_000;

/**
 * One string for every row's copy of a column whose values repeat across
 * the fleet (states, platform, site, role, VRF...): each row read gets its
 * own copies from the driver, and the doors keep 10,000 rows.
 */
export function shared<T extends string | null | undefined>(value: T): T {
  if (typeof value !== 'string') return value;
  const known = interned.get(value);
  if (known !== undefined) return known as T;
  if (interned.size < MAX_INTERNED) interned.set(value, value);
  return value;
}
