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
