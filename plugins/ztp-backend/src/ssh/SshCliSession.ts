import type { ClientChannel } from 'ssh2';
import type { DeviceCli } from '@ztp-portal/backstage-plugin-ztp-node';
import { atLineEnd, trimBlankLines, withoutGlobalFlags } from './cliText';
import { SshProtocolError, SshTimeoutError } from './errors';
import type { OpenDeviceCliOptions } from './openDeviceCli';
import { SshShellConnection } from './SshShellConnection';
import { TerminalScreen } from '@ztp-portal/backstage-plugin-ztp-node';

type Waiter = {
  /** First screen line that belongs to this exchange. */
  startLine: number;
  /** For commands: the echo to see before a prompt counts. */
  echo?: string;
  /** A prompt counts only after at least one new line (not the old prompt). */
  needsNewLine: boolean;
  resolve(lines: string[]): void;
};

/** A running SSH login and CLI session; openDeviceCli is its entry point. */
export class SshCliSession implements DeviceCli {
  private readonly target: string;
  private promptPattern: RegExp;
  private readonly pagerPattern?: RegExp;
  private readonly screen = new TerminalScreen();

  /** What the session is doing, named in its errors. */
  private readonly progress = { step: 'starting' };
  private readonly connection: SshShellConnection;
  private stream?: ClientChannel;
  private waiter?: Waiter;
  private failure?: Error;
  private closing = false;
  private deadlineTimer?: NodeJS.Timeout;
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
    this.connection = new SshShellConnection(options, this.progress, error =>
      this.fail(error),
    );
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

    const socket = await this.guard(this.connection.connect());
    await this.guard(this.connection.login(socket));
    this.stream = await this.guard(
      this.connection.openShell(text => this.onData(text)),
    );
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
      return trimBlankLines(lines);
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
      return trimBlankLines(lines);
    });
  }

  close() {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.deadlineTimer);
    if (!this.failure) {
      this.failure = new SshProtocolError(
        `the session with ${this.target} is closed`,
      );
      this.rejectAborted(this.failure);
    }
    this.connection.close();
  }

  /** The device's host key, as OpenSSH prints it (`SHA256:...`). */
  get fingerprint(): string | undefined {
    return this.connection.fingerprint;
  }

  private get step() {
    return this.progress.step;
  }

  private set step(step: string) {
    this.progress.step = step;
  }

  // --- steps of open() after the login ---------------------------------------

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
    this.rejectAborted(error);
    this.connection.abort();
  }
}
