/**
 * Errors of the SSH layer. Callers tell them apart by `name` (stable across
 * module copies), so every class sets it explicitly.
 */

/** The device could not be reached at all (refused, no route). */
export class SshUnreachableError extends Error {
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'SshUnreachableError';
    this.code = code;
  }
}

/** A step took longer than allowed: the connect timeout or the overall deadline. */
export class SshTimeoutError extends Error {
  /** What the client was doing, e.g. `connecting` or `running "show version"`. */
  readonly step: string;
  constructor(message: string, step: string) {
    super(message);
    this.name = 'SshTimeoutError';
    this.step = step;
  }
}

/** The device refused the credentials (or offered no method we can use). */
export class SshAuthError extends Error {
  readonly methodsTried: string[];
  constructor(message: string, methodsTried: string[]) {
    super(message);
    this.name = 'SshAuthError';
    this.methodsTried = methodsTried;
  }
}

/** The device presented a host key other than the one recorded at first contact. */
export class HostKeyMismatchError extends Error {
  readonly expected: string;
  readonly presented: string;
  constructor(message: string, expected: string, presented: string) {
    super(message);
    this.name = 'HostKeyMismatchError';
    this.expected = expected;
    this.presented = presented;
  }
}

/** The fingerprint a device presented instead of the pinned one, if that is what `error` says. */
export function presentedHostKeyOf(error: unknown): string | undefined {
  const e = error as { name?: string; presented?: unknown };
  return e?.name === 'HostKeyMismatchError' && typeof e.presented === 'string'
    ? e.presented || undefined
    : undefined;
}

/** Anything else that went wrong in SSH: no common algorithm, shell refused, session closed. */
export class SshProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SshProtocolError';
  }
}
