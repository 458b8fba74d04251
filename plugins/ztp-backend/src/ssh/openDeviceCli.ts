import { connect as connectTcp, Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import {
  Algorithms,
  AuthenticationType,
  AnyAuthMethod,
  Client,
  ClientChannel,
  Prompt,
} from 'ssh2';
import type {
  DeviceCli,
  PlatformCliOptions,
  SshAlgorithmPreferences,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { TerminalScreen } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  HostKeyMismatchError,
  SshAuthError,
  SshProtocolError,
  SshTimeoutError,
  SshUnreachableError,
} from './errors';
import { hostKeyFingerprint, normalizeKnownHostKey } from './hostKey';

/** How to reach a device and drive its CLI. */
export type OpenDeviceCliOptions = {
  host: string;
  port: number;
  username: string;
  /** Used for password and keyboard-interactive login; never logged or echoed. */
  password: string;
  /** Added on top of ssh2's defaults (for older devices). */
  algorithms?: SshAlgorithmPreferences;
  /** Limit for the TCP connection, and again for the SSH key exchange and login. */
  connectTimeoutMs: number;
  /** Limit for everything, from connecting to the last command's output. */
  deadlineMs: number;
  /**
   * The host key recorded at first contact: an OpenSSH `SHA256:` fingerprint
   * or the base64 key blob. When the device presents another key the login
   * stops before any credential is sent.
   */
  knownHostKey?: string;
  cli: PlatformCliOptions;
  /**
   * Sends a newline when the device has shown no prompt after this much
   * silence (some CLIs wait for a key press). Defaults to 1500 ms.
   */
  promptNudgeMs?: number;
};

/** An open CLI session on a device. */
export type DeviceCliSession = {
  cli: DeviceCli;
  /** The device's host key, as OpenSSH prints it (`SHA256:...`). */
  hostKeyFingerprint: string;
  close(): void;
};

/** Settings of the pty the CLI runs in: wide enough that no line wraps. */
const PTY = { term: 'vt100', cols: 511, rows: 24 };

/** Merges a driver's algorithm preferences into ssh2's defaults. */
export function mergeAlgorithms(
  preferences?: SshAlgorithmPreferences,
): Algorithms | undefined {
  if (!preferences) return undefined;
  const merged: Record<string, unknown> = {};
  for (const key of ['kex', 'serverHostKey', 'cipher', 'hmac'] as const) {
    const extra = preferences[key];
    if (extra?.length) merged[key] = { append: extra };
  }
  return Object.keys(merged).length ? (merged as Algorithms) : undefined;
}

type Waiter = {
  /** First screen line that belongs to this exchange. */
  startLine: number;
  /** For commands: the echo to see before a prompt counts. */
  echo?: string;
  /** A prompt counts only after at least one new line (not the old prompt). */
  needsNewLine: boolean;
  resolve(lines: string[]): void;
};

function withoutGlobalFlags(pattern: RegExp): RegExp {
  return new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
}

/**
 * Matches a pager prompt at the end of the line being written, with the
 * blanks around it (" --More-- ") so that none of it is left behind.
 */
function atLineEnd(pattern: RegExp): RegExp {
  const source = pattern.source.replace(/^\^/, '').replace(/\\s\*\$$|\$$/, '');
  return new RegExp(
    `\\s*(?:${source})\\s*$`,
    pattern.flags.replace(/[gy]/g, ''),
  );
}

class SshCliSession implements DeviceCli {
  fingerprint?: string;

  private readonly target: string;
  private promptPattern: RegExp;
  private readonly pagerPattern?: RegExp;
  private readonly screen = new TerminalScreen();
  private readonly decoder = new StringDecoder('utf8');

  private step = 'starting';
  private client?: Client;
  private socket?: Socket;
  private stream?: ClientChannel;
  private waiter?: Waiter;
  private failure?: Error;
  private closing = false;
  private hostKeyRejected = false;
  private readonly methodsTried: string[] = [];
  private methodsOffered?: AuthenticationType[];
  private deadlineTimer?: NodeJS.Timeout;
  private stepTimer?: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();

  /** Rejects once the session has failed; raced against every wait. */
  private readonly aborted: Promise<never>;
  private rejectAborted!: (error: Error) => void;

  constructor(private readonly options: OpenDeviceCliOptions) {
    this.target = `${options.host}:${options.port}`;
    this.promptPattern = withoutGlobalFlags(options.cli.promptPattern);
    this.pagerPattern = options.cli.pagerPattern
      ? atLineEnd(options.cli.pagerPattern)
      : undefined;
    this.aborted = new Promise<never>((_, reject) => {
      this.rejectAborted = reject;
    });
    // Nobody may be waiting when the session fails.
    this.aborted.catch(() => undefined);
  }

  async open(): Promise<void> {
    const { deadlineMs } = this.options;
    this.deadlineTimer = setTimeout(() => {
      this.fail(
        new SshTimeoutError(
          `${this.target} did not finish within the deadline of ${deadlineMs} ms (stopped while ${this.step})`,
          this.step,
        ),
      );
    }, deadlineMs);
    this.deadlineTimer.unref?.();

    this.socket = await this.guard(this.connect());
    await this.guard(this.login(this.socket));
    this.stream = await this.guard(this.openShell());
    await this.waitForFirstPrompt();
    await this.enableIfUnprivileged();
    for (const command of this.options.cli.setupCommands ?? []) {
      await this.run(command);
    }
  }

  run(command: string, options?: { timeoutMs?: number }): Promise<string> {
    return this.enqueue(async () => {
      const lines = await this.exchange(`${command}\n`, {
        step: `running "${command}"`,
        echo: command.trim(),
        timeoutMs: options?.timeoutMs,
      });
      return tidy(lines);
    });
  }

  send(text: string, options?: { timeoutMs?: number }): Promise<string> {
    return this.enqueue(async () => {
      const promptBefore = this.screen.currentLine.trimEnd();
      const lines = await this.exchange(text, {
        step: `sending ${text.length} characters`,
        timeoutMs: options?.timeoutMs,
      });
      if (lines.length && promptBefore && lines[0].startsWith(promptBefore)) {
        lines[0] = lines[0].slice(promptBefore.length);
      }
      return tidy(lines);
    });
  }

  close() {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.stepTimer);
    if (!this.failure) {
      this.failure = new SshProtocolError(
        `the session with ${this.target} is closed`,
      );
      this.rejectAborted(this.failure);
    }
    try {
      this.stream?.end();
    } catch {
      // The channel may already be gone.
    }
    this.client?.end();
    this.socket?.destroy();
  }

  // --- steps of open() -----------------------------------------------------

  private connect(): Promise<Socket> {
    const { host, port, connectTimeoutMs } = this.options;
    this.step = 'connecting';
    return new Promise((resolve, reject) => {
      // Small CLI exchanges: don't let Nagle hold them for a delayed ACK.
      const socket = connectTcp({ host, port, noDelay: true });
      this.socket = socket;
      this.stepTimer = setTimeout(() => {
        socket.destroy();
        reject(
          new SshTimeoutError(
            `no TCP connection to ${this.target} within ${connectTimeoutMs} ms`,
            this.step,
          ),
        );
      }, connectTimeoutMs);
      const onError = (error: NodeJS.ErrnoException) => {
        clearTimeout(this.stepTimer);
        reject(this.socketError(error));
      };
      socket.once('error', onError);
      socket.once('connect', () => {
        clearTimeout(this.stepTimer);
        socket.removeListener('error', onError);
        // ssh2 reports socket errors once it owns the socket; until then
        // (one tick) an error must not go unhandled.
        socket.on('error', () => undefined);
        resolve(socket);
      });
    });
  }

  private login(socket: Socket): Promise<void> {
    const { connectTimeoutMs } = this.options;
    this.step = 'exchanging keys';
    return new Promise((resolve, reject) => {
      const client = new Client();
      this.client = client;
      let ready = false;
      this.stepTimer = setTimeout(() => {
        reject(
          new SshTimeoutError(
            `${this.target} did not complete the SSH login within ${connectTimeoutMs} ms (stopped while ${this.step})`,
            this.step,
          ),
        );
      }, connectTimeoutMs);
      client.on('handshake', () => {
        if (!ready) this.step = 'authenticating';
      });
      client.on('ready', () => {
        ready = true;
        clearTimeout(this.stepTimer);
        resolve();
      });
      client.on('error', (error: Error & { level?: string }) => {
        clearTimeout(this.stepTimer);
        const mapped = this.clientError(error);
        if (ready) this.fail(mapped);
        else reject(mapped);
      });
      client.on('close', () => {
        clearTimeout(this.stepTimer);
        const error = new SshProtocolError(
          `${this.target} closed the connection while ${this.step}`,
        );
        if (ready) this.fail(error);
        else reject(error);
      });
      try {
        client.connect({
          sock: socket,
          username: this.options.username,
          // Our own timers give the step that timed out.
          readyTimeout: 0,
          algorithms: mergeAlgorithms(this.options.algorithms),
          hostVerifier: (key: Buffer) => this.verifyHostKey(key),
          authHandler: (methodsLeft, _partial, next) =>
            next(this.nextAuthMethod(methodsLeft)),
        });
      } catch (error) {
        clearTimeout(this.stepTimer);
        reject(
          new SshProtocolError(
            `cannot start SSH with ${this.target}: ${(error as Error).message}`,
          ),
        );
      }
    });
  }

  private openShell(): Promise<ClientChannel> {
    this.step = 'opening a shell';
    return new Promise((resolve, reject) => {
      this.client!.shell(PTY, (error, stream) => {
        if (error) {
          reject(
            new SshProtocolError(
              `${this.target} refused an interactive shell: ${error.message}`,
            ),
          );
          return;
        }
        stream.on('data', (chunk: Buffer) =>
          this.onData(this.decoder.write(chunk)),
        );
        stream.stderr.on('data', (chunk: Buffer) =>
          this.onData(chunk.toString('utf8')),
        );
        stream.on('close', () =>
          this.fail(
            new SshProtocolError(
              `${this.target} ended the CLI session while ${this.step}`,
            ),
          ),
        );
        resolve(stream);
      });
    });
  }

  private async waitForFirstPrompt(): Promise<void> {
    this.step = 'waiting for the first prompt';
    const nudgeAfter = this.options.promptNudgeMs ?? 1500;
    const reached = new Promise<string[]>(resolve => {
      this.waiter = { startLine: 0, needsNewLine: false, resolve };
    });
    // The banner and prompt may have arrived with the shell already.
    this.checkScreen();
    let lastSize = -1;
    const nudge = setInterval(() => {
      const size =
        this.screen.lineCount * 1000 + this.screen.currentLine.length;
      if (size === lastSize) {
        this.stream?.write('\n');
        clearInterval(nudge);
      }
      lastSize = size;
    }, nudgeAfter);
    try {
      await this.guard(reached);
    } finally {
      clearInterval(nudge);
      this.waiter = undefined;
    }
  }

  /**
   * A login that lands unprivileged (EOS ">" without AAA exec
   * authorization) is raised with the platform's command; a password
   * question is answered with the account's password.
   */
  private async enableIfUnprivileged(): Promise<void> {
    const enable = this.options.cli.enable;
    if (!enable) return;
    const unprivileged = withoutGlobalFlags(enable.unprivilegedPrompt);
    if (!unprivileged.test(this.screen.currentLine)) return;
    const prompt = this.promptPattern;
    // Until the answer, a password question counts as a prompt too.
    this.promptPattern = new RegExp(
      `(?:${prompt.source})|(?:^\\s*Password:\\s*$)`,
      prompt.flags,
    );
    try {
      await this.exchange(`${enable.command}\n`, {
        step: `running "${enable.command}"`,
        echo: enable.command,
        timeoutMs: this.options.connectTimeoutMs,
      });
      if (/Password:\s*$/.test(this.screen.currentLine)) {
        this.promptPattern = prompt;
        await this.exchange(`${this.options.password}\n`, {
          step: 'answering the enable password',
          timeoutMs: this.options.connectTimeoutMs,
        });
      }
    } finally {
      this.promptPattern = prompt;
    }
    if (unprivileged.test(this.screen.currentLine)) {
      throw new SshProtocolError(
        `${this.target}: "${enable.command}" did not reach privileged mode (the account lands unprivileged and the enable password is not its own)`,
      );
    }
  }

  // --- commands --------------------------------------------------------------

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async exchange(
    text: string,
    options: { step: string; echo?: string; timeoutMs?: number },
  ): Promise<string[]> {
    if (this.failure) throw this.failure;
    const stream = this.stream;
    if (!stream) {
      throw new SshProtocolError(`no CLI session with ${this.target} yet`);
    }
    this.step = options.step;
    const done = new Promise<string[]>(resolve => {
      this.waiter = {
        startLine: this.screen.lineCount,
        echo: options.echo,
        needsNewLine: true,
        resolve,
      };
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          const error = new SshTimeoutError(
            `no prompt from ${this.target} within ${options.timeoutMs} ms while ${options.step}`,
            options.step,
          );
          // The output is now out of step with our commands: give up the session.
          this.fail(error);
          reject(error);
        }, options.timeoutMs);
      }
    });
    try {
      stream.write(text);
      return await Promise.race([done, this.aborted, timeout]);
    } finally {
      clearTimeout(timer);
      this.waiter = undefined;
    }
  }

  private onData(text: string) {
    if (!text) return;
    this.screen.write(text);
    this.checkScreen();
  }

  private checkScreen() {
    if (this.pagerPattern && this.screen.blankOut(this.pagerPattern)) {
      this.stream?.write(' ');
      return;
    }
    const waiter = this.waiter;
    if (!waiter) return;
    if (waiter.needsNewLine && this.screen.lineCount <= waiter.startLine) {
      return;
    }
    if (!this.promptPattern.test(this.screen.currentLine)) return;
    let lines = this.screen.linesFrom(waiter.startLine);
    if (waiter.echo !== undefined) {
      const echo = waiter.echo;
      const at = lines.findIndex(line => line.trimEnd().endsWith(echo));
      if (at === -1) {
        // A prompt before our command's echo is an old one: keep waiting.
        return;
      }
      lines = lines.slice(at + 1);
    }
    this.waiter = undefined;
    waiter.resolve(lines);
  }

  // --- authentication and host key -----------------------------------------

  private verifyHostKey(key: Buffer): boolean {
    this.fingerprint = hostKeyFingerprint(key);
    const known = this.options.knownHostKey;
    if (known && normalizeKnownHostKey(known) !== this.fingerprint) {
      this.hostKeyRejected = true;
      return false;
    }
    return true;
  }

  private nextAuthMethod(
    methodsLeft: AuthenticationType[] | null,
  ): AnyAuthMethod {
    if (methodsLeft) this.methodsOffered = methodsLeft;
    const { username, password } = this.options;
    const offered = (method: AuthenticationType) =>
      !methodsLeft || methodsLeft.includes(method);
    if (!this.methodsTried.includes('password') && offered('password')) {
      this.methodsTried.push('password');
      return { type: 'password', username, password };
    }
    if (
      !this.methodsTried.includes('keyboard-interactive') &&
      offered('keyboard-interactive')
    ) {
      this.methodsTried.push('keyboard-interactive');
      let rounds = 0;
      return {
        type: 'keyboard-interactive',
        username,
        prompt: (_name, _instructions, _lang, prompts, finish) => {
          const asksPassword = prompts.some(p => isSecretPrompt(p));
          if (asksPassword && ++rounds > 1) {
            // Asked again: the password was wrong. Do not loop on it.
            this.fail(this.authError());
            return;
          }
          finish(prompts.map(p => (isUserPrompt(p) ? username : password)));
        },
      };
    }
    // ssh2 treats `false` as "no method left" and reports the failure.
    return false as unknown as AnyAuthMethod;
  }

  private authError(): SshAuthError {
    const { username } = this.options;
    const tried = [...this.methodsTried];
    const offered = this.methodsOffered;
    const passwordOffered =
      !offered ||
      offered.includes('password') ||
      offered.includes('keyboard-interactive');
    if (!tried.length || !passwordOffered) {
      return new SshAuthError(
        `${
          this.target
        } offers no password login for user "${username}" (offered: ${
          offered?.join(', ') || 'none'
        })`,
        tried,
      );
    }
    return new SshAuthError(
      `${
        this.target
      } refused the login of user "${username}" (tried ${tried.join(' and ')})`,
      tried,
    );
  }

  // --- failures --------------------------------------------------------------

  /** Races a step against the session's failure (deadline, lost connection). */
  private guard<T>(step: Promise<T>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return Promise.race([step, this.aborted]);
  }

  private fail(error: Error) {
    if (this.failure) return;
    this.failure = error;
    clearTimeout(this.deadlineTimer);
    clearTimeout(this.stepTimer);
    this.rejectAborted(error);
    this.client?.end();
    this.socket?.destroy();
  }

  private socketError(error: NodeJS.ErrnoException): Error {
    const code = error.code ?? '';
    switch (code) {
      case 'ECONNREFUSED':
        return new SshUnreachableError(
          `${this.target} refused the connection (ECONNREFUSED): no SSH server is listening`,
          code,
        );
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
      case 'EHOSTDOWN':
      case 'ENETDOWN':
      case 'EADDRNOTAVAIL':
      case 'ENOTFOUND':
        return new SshUnreachableError(
          `${this.target} cannot be reached (${code})`,
          code,
        );
      case 'ETIMEDOUT':
        return new SshTimeoutError(
          `the connection to ${this.target} timed out (ETIMEDOUT)`,
          this.step,
        );
      default:
        return new SshProtocolError(
          `the connection to ${this.target} failed while ${this.step}: ${error.message}`,
        );
    }
  }

  private clientError(error: Error & { level?: string; code?: string }): Error {
    if (this.hostKeyRejected) {
      const expected = normalizeKnownHostKey(this.options.knownHostKey ?? '');
      return new HostKeyMismatchError(
        `${this.target} presented host key ${this.fingerprint}, but ${expected} was recorded at first contact; nothing was sent to it`,
        expected,
        this.fingerprint ?? '',
      );
    }
    switch (error.level) {
      case 'client-authentication':
        return this.authError();
      case 'client-socket':
        return this.socketError(error as NodeJS.ErrnoException);
      case 'client-timeout':
        return new SshTimeoutError(
          `${this.target} stopped answering while ${this.step}`,
          this.step,
        );
      case 'handshake':
        return new SshProtocolError(
          `no SSH algorithms in common with ${this.target} (${error.message})`,
        );
      default:
        return new SshProtocolError(
          `SSH error with ${this.target} while ${this.step}: ${error.message}`,
        );
    }
  }
}

function isSecretPrompt(prompt: Prompt): boolean {
  return !prompt.echo || /pass|secret|pin\b|token/i.test(prompt.prompt);
}

function isUserPrompt(prompt: Prompt): boolean {
  return (
    !!prompt.echo &&
    /user|login|name/i.test(prompt.prompt) &&
    !/pass/i.test(prompt.prompt)
  );
}

/** Drops blank lines around the output; keeps the inside as the device wrote it. */
function tidy(lines: string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  return lines.slice(start, end).join('\n');
}

/**
 * Logs in to a device over SSH with a password (or keyboard-interactive),
 * opens an interactive shell, waits for the first prompt and runs the
 * platform's setup commands. Rejects with SshUnreachableError,
 * SshTimeoutError, SshAuthError, HostKeyMismatchError or SshProtocolError.
 */
export async function openDeviceCli(
  options: OpenDeviceCliOptions,
): Promise<DeviceCliSession> {
  const session = new SshCliSession(options);
  try {
    await session.open();
  } catch (error) {
    session.close();
    throw error;
  }
  return {
    cli: session,
    hostKeyFingerprint: session.fingerprint!,
    close: () => session.close(),
  };
}
