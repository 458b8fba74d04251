import {
  SshProtocolError,
  SshTimeoutError,
  SshUnreachableError,
} from './errors';

/**
 * Turns a socket error into the SSH layer's error for it.
 * `step` is what the session was doing, e.g. `connecting`.
 */
export function socketError(
  error: NodeJS.ErrnoException,
  target: string,
  step: string,
): Error {
  const code = error.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return new SshUnreachableError(
        `${target} refused the connection (ECONNREFUSED): no SSH server is listening`,
        code,
      );
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return new SshUnreachableError(
        `${target} cannot be reached (${code})`,
        code,
      );
    case 'ETIMEDOUT':
      return new SshTimeoutError(
        `the connection to ${target} timed out (ETIMEDOUT)`,
        step,
      );
    default:
      return new SshProtocolError(
        `the connection to ${target} failed while ${step}: ${error.message}`,
      );
  }
}

/**
 * Turns an error of ssh2's client into the SSH layer's error for it, by
 * ssh2's `level`; a refused login is described by `authError`.
 */
export function sshClientError(
  error: Error & { level?: string; code?: string },
  target: string,
  step: string,
  authError: () => Error,
): Error {
  switch (error.level) {
    case 'client-authentication':
      return authError();
    case 'client-socket':
      return socketError(error as NodeJS.ErrnoException, target, step);
    case 'client-timeout':
      return new SshTimeoutError(
        `${target} stopped answering while ${step}`,
        step,
      );
    case 'handshake':
      return new SshProtocolError(
        `no SSH algorithms in common with ${target} (${error.message})`,
      );
    default:
      return new SshProtocolError(
        `SSH error with ${target} while ${step}: ${error.message}`,
      );
  }
}
