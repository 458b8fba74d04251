/**
 * Whether a write failed because of the values it carried (a string too
 * long for its column, a NUL PostgreSQL cannot store, a constraint), rather
 * than because the database is unreachable or busy. Only such a failure is
 * one row's fault: a batch that hits it is written again row by row, so the
 * other rows are not lost with it.
 */
export function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code !== 'string') return false;
  // PostgreSQL SQLSTATE classes 22 (data exception) and 23 (integrity).
  if (/^2[23][0-9A-Z]{3}$/.test(code)) return true;
  return /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
}
