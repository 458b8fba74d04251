/*
 * The running configuration read back against a platform's key lines
 * (PlatformPushProcedure.keyLines): what a push verifies.
 */

/** The key lines missing from a running configuration. */
export function missingLines(running: string, keyLines: string[]): string[] {
  const present = new Set(
    running
      .split('\n')
      .map(line => line.trim().replace(/^(?:replace|inactive):\s*/, '')),
  );
  return keyLines.filter(line => !present.has(line));
}

/** Whether a running configuration still defines a local account. */
export function hasAccount(running: string, username: string): boolean {
  const name = username.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\s*(?:username|user)\\s+${name}(?:\\s|;|$)`, 'm').test(
    running,
  );
}
