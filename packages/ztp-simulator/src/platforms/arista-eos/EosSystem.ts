import type { CommandSpec } from '../../cli/commandMatcher';
import { unifiedDiff } from '../../cli/lineDiff';
import type { ShellIO } from '../../terminal/types';
import {
  bannerText,
  topLevelValue,
  usernameAccounts,
} from '../ciscoStyle/accounts';
import {
  CiscoStyleShell,
  type ExecCommand,
  type PipeCommand,
} from '../ciscoStyle/CiscoStyleShell';
import {
  type ConfigNode,
  cloneConfig,
  emptyConfig,
} from '../ciscoStyle/ConfigTree';
import { parseConfigText } from '../ciscoStyle/parseConfigText';
import { ciscoPipes } from '../ciscoStyle/pipes';
import {
  type StoredSecret,
  verifySecret,
} from '../../crypto/verifyPasswordHash';
import { DEFAULT_LOGIN_BANNER } from '../defaultBanner';
import { unixTime } from '../hardware';
import type {
  DeviceFacts,
  LoadResult,
  LocalAccount,
  PlatformShell,
  PlatformSystem,
  SessionInfo,
} from '../types';
import { eosGrammar, formatEosError } from './grammar';
import {
  eosBash,
  eosBootSystem,
  eosCopyHttp,
  eosDelete,
  eosDir,
  eosShowBootConfig,
  eosVerify,
} from './imageCommands';
import type { EosModel } from './models';
import {
  eosConfigLines,
  eosRunningConfig,
  eosShowInventory,
  eosShowInventoryJson,
  eosShowVersion,
  eosShowVersionJson,
} from './outputs';

type SessionState = 'pending' | 'pendingCommitTimer' | 'completed' | 'aborted';

/** An EOS configuration session: a candidate configuration until committed. */
type ConfigSession = {
  name: string;
  candidate: ConfigNode;
  state: SessionState;
  user: string;
  /** The running configuration to restore if a commit timer expires. */
  rollbackTo?: ConfigNode;
  timer?: NodeJS.Timeout;
};

const TIMER = /^(\d{1,2}):(\d{2}):(\d{2})$/;

/** What an unprivileged session (">") may run besides "enable". */
const UNPRIVILEGED =
  /^(?:sh(?:o(?:w)?)?\s+(?:ver|inv|hostn|clo)\S*(?:\s*\|.*)?|term(?:i(?:n(?:a(?:l)?)?)?)?\s+(?:len|wid)\S*\s+\d+|exit|logout|quit)$/i;

class EosShell extends CiscoStyleShell {
  protected readonly grammar = eosGrammar;
  protected readonly formatError = formatEosError;
  protected readonly execInConfigMode = true;
  private readonly system: EosSystem;
  private readonly session: SessionInfo;
  private current: ConfigSession | undefined;
  /** Privileged exec ("#"): granted at login only by AAA authorization. */
  private privileged: boolean;

  constructor(system: EosSystem, session: SessionInfo) {
    super();
    this.system = system;
    this.session = session;
    this.privileged =
      session.privileged === true ||
      system.grantsPrivilegedExec(session.username);
  }

  prompt(): string {
    return !this.privileged && !this.config
      ? `${this.hostname()}>`
      : super.prompt();
  }

  async execute(line: string, io: ShellIO): Promise<'continue' | 'exit'> {
    if (this.privileged || this.config || !line.trim()) {
      return super.execute(line, io);
    }
    const trimmed = line.trim();
    if (/^en(?:a(?:b(?:l(?:e)?)?)?)?$/i.test(trimmed)) {
      await this.enable(io);
      return 'continue';
    }
    if (!UNPRIVILEGED.test(trimmed)) {
      await io.print('% Invalid input (privileged mode required)\n');
      return 'continue';
    }
    return super.execute(line, io);
  }

  /** "enable": asks for the enable secret when one is configured. */
  private async enable(io: ShellIO): Promise<void> {
    const secret = this.system.enableSecret();
    if (secret) {
      const answer = await io.readLine('Password: ');
      if (answer === null || !(await verifySecret(answer, secret))) {
        await io.print('% Access denied\n');
        return;
      }
    }
    this.privileged = true;
  }

  hostname(): string {
    return this.system.hostname();
  }

  motd(): string {
    const previous = this.system.lastLogin;
    this.system.lastLogin = {
      at: new Date(),
      from: this.session.remoteAddress,
    };
    const lastLogin = previous
      ? `Last login: ${unixTime(previous.at)} from ${previous.from}\n`
      : '';
    return lastLogin + (bannerText(this.system.running, 'motd') ?? '');
  }

  close(): void {
    super.close();
    this.current = undefined;
  }

  protected pipeCommands(): Array<CommandSpec<PipeCommand>> {
    return ciscoPipes({ section: true, json: true, noMore: true });
  }

  protected async configCommand(line: string, io: ShellIO): Promise<boolean> {
    const boot = this.current
      ? undefined
      : eosBootSystem(this.system.facts, line);
    if (boot !== undefined) {
      await io.print(boot);
      return true;
    }
    const session = this.current;
    const words = line.split(/\s+/);
    if (
      !session ||
      (!/^comm(i(t)?)?$/.test(words[0]) && words[0] !== 'abort')
    ) {
      return false;
    }
    if (words[0] === 'abort' && words.length === 1) {
      session.state = 'aborted';
      this.system.sessions.delete(session.name);
      this.leaveSession();
      return true;
    }
    if (words.length === 1) {
      this.system.commit(session, this.session.username);
      this.leaveSession();
      return true;
    }
    const timer = words[1] === 'timer' ? TIMER.exec(words[2] ?? '') : null;
    if (!timer || words.length > 3) {
      await io.print(
        words[1] === 'timer' && !words[2]
          ? '% Incomplete command\n'
          : '% Invalid input\n',
      );
      return true;
    }
    const seconds =
      Number(timer[1]) * 3600 + Number(timer[2]) * 60 + Number(timer[3]);
    this.system.commitWithTimer(session, seconds, this.session.username);
    this.leaveSession();
    return true;
  }

  private leaveSession(): void {
    this.current = undefined;
    this.leaveConfig();
  }

  private enterSession(name: string): string {
    let session = this.system.sessions.get(name);
    if (session && session.state !== 'pending') {
      return session.state === 'pendingCommitTimer'
        ? `% Cannot enter session ${name} (session is pending commit timer)\n`
        : `% Cannot enter session ${name} (session has already been completed)\n`;
    }
    if (!session) {
      session = {
        name,
        candidate: cloneConfig(this.system.running),
        state: 'pending',
        user: this.session.username,
      };
      this.system.sessions.set(name, session);
    }
    this.current = session;
    this.enterConfig(session.candidate, suffix =>
      suffix === 'config'
        ? `config-s-${name}`
        : `config-s-${name}-${suffix.replace(/^config-/, '')}`,
    );
    return '';
  }

  private sessionAction(name: string, action: 'commit' | 'abort'): string {
    const session = this.system.sessions.get(name);
    if (
      !session ||
      session.state === 'completed' ||
      session.state === 'aborted'
    ) {
      return `% Session ${name} not found or not pending\n`;
    }
    if (action === 'commit') {
      if (session.state === 'pendingCommitTimer') this.system.confirm(session);
      else this.system.commit(session, this.session.username);
      return '';
    }
    if (session.state === 'pendingCommitTimer') {
      this.system.rollBack(session, 'aborted');
    } else {
      session.state = 'aborted';
      this.system.sessions.delete(name);
    }
    return '';
  }

  private sessionsTable(): string {
    const lines = [
      'Maximum number of completed sessions: 1',
      'Maximum number of pending sessions: 5',
      '',
      '  Name                 State                      User           Terminal',
      '  -------------------- -------------------------- -------------- --------',
    ];
    for (const s of this.system.sessions.values()) {
      if (s.state === 'aborted') continue;
      const mark = s === this.current ? '*' : ' ';
      lines.push(
        `${mark} ${s.name.padEnd(20)} ${s.state.padEnd(26)} ${s.user.padEnd(
          14,
        )} vty5`,
      );
    }
    return `${lines.join('\n')}\n`;
  }

  protected execCommands(): Array<CommandSpec<ExecCommand>> {
    const system = this.system;
    const facts = system.facts;
    return [
      {
        pattern: 'show version',
        value: {
          json: true,
          run: ctx =>
            ctx.format === 'json'
              ? eosShowVersionJson(system.model, facts)
              : eosShowVersion(system.model, facts),
        },
      },
      {
        pattern: 'show inventory',
        value: {
          json: true,
          run: ctx =>
            ctx.format === 'json'
              ? eosShowInventoryJson(system.model, facts.realSerial())
              : eosShowInventory(system.model, facts.realSerial()),
        },
      },
      {
        pattern: 'show running-config',
        value: { run: () => system.runningConfigText() },
      },
      {
        pattern: 'show startup-config',
        value: {
          run: () =>
            system.startup
              ? eosRunningConfig(
                  system.startup,
                  system.hostname(),
                  system.model,
                  'show startup-config',
                )
              : '% Startup-config does not exist\n',
        },
      },
      {
        // What the last boot could not load from the startup-config.
        pattern: 'show startup-config errors',
        value: {
          run: () =>
            system.startupErrors.length
              ? `${system.startupErrors.join('\n')}\n`
              : '',
        },
      },
      {
        pattern: 'show session-config',
        value: {
          run: () =>
            this.current
              ? eosRunningConfig(
                  this.current.candidate,
                  system.hostname(),
                  system.model,
                  'show session-config',
                )
              : '% Not in a configuration session\n',
        },
      },
      {
        pattern: 'show session-config diffs',
        value: {
          run: () =>
            this.current
              ? unifiedDiff(
                  eosConfigLines(system.running),
                  eosConfigLines(this.current.candidate),
                  'system:/running-config',
                  `session:/${this.current.name}-session-config`,
                )
              : '% Not in a configuration session\n',
        },
      },
      {
        pattern: 'show configuration sessions [detail]',
        value: { run: () => this.sessionsTable() },
      },
      {
        pattern: 'show hostname',
        value: {
          run: () =>
            `Hostname: ${system.hostname()}\nFQDN:     ${system.hostname()}\n`,
        },
      },
      {
        pattern: 'show clock',
        value: {
          run: () =>
            `${unixTime(new Date())}\nTimezone: UTC\nClock source: local\n`,
        },
      },
      {
        pattern: 'terminal length <n>',
        value: {
          run: ctx => {
            if (!/^\d+$/.test(ctx.args.n)) return ctx.invalidWord(2);
            ctx.io.pageLength = Number(ctx.args.n);
            return ctx.io.pageLength === 0 ? 'Pagination disabled.\n' : '';
          },
        },
      },
      { pattern: 'terminal width <n>', value: { run: () => '' } },
      { pattern: 'enable', value: { run: () => '' } },
      {
        pattern: 'configure [terminal]',
        value: {
          run: () => {
            this.enterConfig(
              system.running,
              s => s,
              () =>
                facts.notify({
                  type: 'config-committed',
                  by: this.session.username,
                }),
            );
          },
        },
      },
      {
        pattern: 'configure session <name>',
        value: { run: ctx => this.enterSession(ctx.args.name) },
      },
      {
        pattern: 'configure session <name> commit',
        value: { run: ctx => this.sessionAction(ctx.args.name, 'commit') },
      },
      {
        pattern: 'configure session <name> abort',
        value: { run: ctx => this.sessionAction(ctx.args.name, 'abort') },
      },
      {
        pattern: 'copy running-config startup-config',
        value: { run: () => this.save() },
      },
      { pattern: 'write [memory]', value: { run: () => this.save() } },
      {
        pattern: 'dir [flash:]',
        value: { run: () => eosDir(facts, unixTime(new Date())) },
      },
      {
        pattern: 'copy <from> <to>',
        value: { run: ctx => eosCopyHttp(facts, ctx.args.from, ctx.args.to) },
      },
      {
        pattern: 'verify <rest...>',
        value: { run: ctx => eosVerify(facts, ctx.args.rest) },
      },
      {
        pattern: 'delete <path>',
        value: { run: ctx => eosDelete(facts, ctx.args.path) },
      },
      {
        pattern: 'bash <rest...>',
        value: { run: ctx => eosBash(facts, ctx.args.rest) },
      },
      {
        pattern: 'show boot-config',
        value: { run: () => eosShowBootConfig(facts) },
      },
      {
        pattern: 'reload now',
        value: {
          run: () => {
            facts.reload();
            return '';
          },
        },
      },
    ];
  }

  private save(): string {
    this.system.startup = cloneConfig(this.system.running);
    return 'Copy completed successfully.\n';
  }
}

/** The EOS operating system of one simulated Arista switch. */
export class EosSystem implements PlatformSystem {
  running: ConfigNode = emptyConfig();
  startup: ConfigNode | undefined;
  /** The startup-config lines the last load refused. */
  startupErrors: string[] = [];
  readonly sessions = new Map<string, ConfigSession>();
  lastLogin: { at: Date; from: string } | undefined;
  readonly model: EosModel;
  readonly facts: DeviceFacts;

  constructor(model: EosModel, facts: DeviceFacts) {
    this.model = model;
    this.facts = facts;
  }

  /**
   * ZeroTouch saves any file that is not a script as the startup-config
   * and reboots; the boot loads it line by line, skipping (and keeping for
   * "show startup-config errors") the lines EOS refuses, so a bad line
   * never stops the switch from coming up.
   */
  loadBootConfig(text: string): LoadResult {
    const { root, errors } = parseConfigText(text, eosGrammar, formatEosError);
    this.running = root;
    this.startup = cloneConfig(root);
    this.startupErrors = errors;
    if (errors.length) this.facts.notify({ type: 'config-rejected', errors });
    return { ok: true };
  }

  eraseConfig(): void {
    this.dispose();
    this.running = emptyConfig();
    this.startup = undefined;
    this.startupErrors = [];
    this.sessions.clear();
  }

  reload(): void {
    this.dispose();
    this.sessions.clear();
    this.running = this.startup ? cloneConfig(this.startup) : emptyConfig();
  }

  hasConfig(): boolean {
    return this.running.children.length > 0;
  }

  hostname(): string {
    return topLevelValue(this.running, 'hostname') ?? 'localhost';
  }

  accounts(): LocalAccount[] {
    return usernameAccounts(this.running, ['sha512', '5']);
  }

  /**
   * A login lands in privileged exec only with "aaa authorization exec
   * default local" and a user of privilege 15; elsewhere it lands at ">".
   */
  grantsPrivilegedExec(username: string): boolean {
    const lines = this.running.children.map(c => c.line);
    if (!lines.includes('aaa authorization exec default local')) return false;
    return lines.some(
      l => l.startsWith(`username ${username} `) && /\bprivilege 15\b/.test(l),
    );
  }

  /** The "enable secret"/"enable password" of the configuration, if any. */
  enableSecret(): StoredSecret | undefined {
    for (const keyword of ['enable secret', 'enable password']) {
      const value = topLevelValue(this.running, keyword);
      if (!value) continue;
      const words = value.split(/\s+/);
      if (words.length >= 2 && ['sha512', '5'].includes(words[0])) {
        return { kind: 'hash', value: words[1] };
      }
      return { kind: 'clear', value: words[words.length - 1] };
    }
    return undefined;
  }

  runningConfigText(): string {
    return eosRunningConfig(this.running, this.hostname(), this.model);
  }

  loginBanner(): string {
    return bannerText(this.running, 'login') ?? DEFAULT_LOGIN_BANNER;
  }

  openShell(session: SessionInfo): PlatformShell {
    return new EosShell(this, session);
  }

  dispose(): void {
    for (const session of this.sessions.values()) clearTimeout(session.timer);
  }

  /** Makes a session's candidate the running configuration. */
  commit(session: ConfigSession, by: string): void {
    this.running = cloneConfig(session.candidate);
    session.state = 'completed';
    this.facts.notify({ type: 'config-committed', by });
  }

  /** Commits now, and rolls back unless confirmed within `seconds`. */
  commitWithTimer(session: ConfigSession, seconds: number, by: string): void {
    session.rollbackTo = cloneConfig(this.running);
    this.running = cloneConfig(session.candidate);
    session.state = 'pendingCommitTimer';
    this.facts.notify({ type: 'config-committed', by });
    session.timer = setTimeout(
      () => this.rollBack(session, 'commit timer expired'),
      seconds * 1000 * this.facts.timerScale,
    );
  }

  confirm(session: ConfigSession): void {
    clearTimeout(session.timer);
    session.timer = undefined;
    session.rollbackTo = undefined;
    session.state = 'completed';
  }

  rollBack(session: ConfigSession, reason: string): void {
    clearTimeout(session.timer);
    session.timer = undefined;
    if (session.rollbackTo) this.running = session.rollbackTo;
    session.rollbackTo = undefined;
    session.state = 'aborted';
    this.facts.notify({
      type: 'config-rolled-back',
      reason: `session ${session.name}: ${reason}`,
    });
  }
}
