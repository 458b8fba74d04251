import {
  junosFileChecksum,
  junosFileCopy,
  junosFileDelete,
  junosSoftwareAdd,
  junosSystemStorage,
} from './imageCommands';
import { CommandMatcher, type MatchResult } from '../../cli/commandMatcher';
import {
  countLines,
  excludeLines,
  includeLines,
  beginAt,
} from '../../cli/textFilters';
import { splitPipes, tokenize } from '../../cli/tokenize';
import type { ShellIO } from '../../terminal/types';
import { unixTime } from '../hardware';
import type { PlatformShell, SessionInfo } from '../types';
import {
  type JunosConfig,
  type JunosSyntaxError,
  cloneJunos,
  compareJunos,
  displaySet,
  findPath,
  junosEqual,
  mergeJunos,
  parseJunosConfig,
  renderJunosConfig,
} from './JunosConfig';
import {
  applyDelete,
  applySet,
  tokenizeJunosCommand,
} from './JunosSetCommands';
import type { JunosSystem } from './JunosSystem';
import {
  JUNOS_VERSION,
  junosChassisHardware,
  junosChassisHardwareXml,
  junosShowVersion,
  junosVersionXml,
} from './outputs';
import { commitProblems, formatLoadError, validateJunos } from './schema';

type Format = 'text' | 'xml' | 'set';

type OpContext = {
  args: Record<string, string>;
  /** The command as typed, without its pipes. */
  line: string;
  /** Where the command starts on the terminal (for error markers). */
  promptWidth: number;
  io: ShellIO;
  format: Format;
  /** Set when "| compare [rollback n]" was asked (configuration mode). */
  compare?: number;
};

type OpCommand = {
  run: (ctx: OpContext) => Promise<string | void> | string | void;
  formats?: Format[];
};

type Pipe =
  | {
      kind: 'filter';
      apply: (text: string, args: Record<string, string>) => string;
    }
  | { kind: 'format'; format: Format }
  | { kind: 'compare'; rollback: boolean }
  | { kind: 'no-more' };

const PIPES = new CommandMatcher<Pipe>([
  { pattern: 'no-more', value: { kind: 'no-more' } },
  {
    pattern: 'match <re...>',
    value: { kind: 'filter', apply: (t, a) => includeLines(t, a.re) },
  },
  {
    pattern: 'except <re...>',
    value: { kind: 'filter', apply: (t, a) => excludeLines(t, a.re) },
  },
  {
    pattern: 'find <re...>',
    value: { kind: 'filter', apply: (t, a) => beginAt(t, a.re) },
  },
  {
    pattern: 'count',
    value: { kind: 'filter', apply: t => `Count: ${countLines(t)} lines\n` },
  },
  { pattern: 'display xml', value: { kind: 'format', format: 'xml' } },
  { pattern: 'display set', value: { kind: 'format', format: 'set' } },
  { pattern: 'compare', value: { kind: 'compare', rollback: false } },
  {
    pattern: 'compare rollback <n>',
    value: { kind: 'compare', rollback: true },
  },
]);

const MOTD_KERNEL = `--- JUNOS ${JUNOS_VERSION} Kernel 64-bit  JNPR-12.1-20231013.3a9ea4c_buil\n`;

/** The Junos CLI of one session: operational and configuration modes. */
export class JunosShell implements PlatformShell {
  private readonly system: JunosSystem;
  private readonly session: SessionInfo;
  private mode: 'operational' | 'configuration' = 'operational';
  private kind: 'private' | 'exclusive' | 'shared' = 'shared';
  private candidate: JunosConfig = [];
  private io: ShellIO | undefined;
  private readonly opMatcher: CommandMatcher<OpCommand>;
  private readonly configMatcher: CommandMatcher<OpCommand>;

  constructor(system: JunosSystem, session: SessionInfo) {
    this.system = system;
    this.session = session;
    this.opMatcher = new CommandMatcher(this.operationalCommands());
    this.configMatcher = new CommandMatcher(this.configurationCommands());
  }

  motd(): string {
    const previous = this.system.lastLogin;
    this.system.lastLogin = {
      at: new Date(),
      from: this.session.remoteAddress,
    };
    const last = previous
      ? `Last login: ${unixTime(previous.at)} from ${previous.from}\n`
      : '';
    return `${last}${MOTD_KERNEL}`;
  }

  prompt(): string {
    const who = `${this.session.username}@${this.system.hostname()}`;
    if (this.mode === 'operational') return `${who}> `;
    const pending = this.system.pendingConfirm;
    const notice = pending
      ? `\n# commit confirmed will be rolled back in ${Math.max(
          1,
          Math.ceil(
            (pending.deadline.getTime() - Date.now()) /
              (60_000 * this.system.facts.timerScale),
          ),
        )} minutes`
      : '';
    return `${notice}\n[edit]\n${who}# `;
  }

  close(): void {
    if (this.system.exclusiveOwner === this)
      this.system.exclusiveOwner = undefined;
    this.system.shells.delete(this);
  }

  /** Text the system sends to every session (commit rollback notices). */
  broadcast(text: string): void {
    this.io?.write(text);
  }

  async execute(line: string, io: ShellIO): Promise<'continue' | 'exit'> {
    this.io = io;
    const trimmed = line.trim();
    if (!trimmed) return 'continue';
    const promptWidth = io.interactive
      ? this.prompt().split('\n').pop()!.length
      : 0;
    const first = trimmed.split(/\s+/)[0];
    if (this.mode === 'operational') {
      if (['exit', 'quit', 'logout'].includes(first)) return 'exit';
      await this.dispatch(line, io, this.opMatcher, promptWidth);
      return 'continue';
    }
    if (/^run(\s|$)/.test(trimmed)) {
      await this.dispatch(
        line.replace(/^\s*run\s*/, ''),
        io,
        this.opMatcher,
        promptWidth + line.indexOf('run') + 4,
      );
      return 'continue';
    }
    await this.dispatch(line, io, this.configMatcher, promptWidth);
    return 'continue';
  }

  private async dispatch(
    line: string,
    io: ShellIO,
    matcher: CommandMatcher<OpCommand>,
    promptWidth: number,
  ): Promise<void> {
    const [command, ...pipes] = splitPipes(line);
    const matched = matcher.matchTokens(
      tokenize(command.text),
      0,
      command.text.trimEnd().length,
    );
    if (matched.kind !== 'ok') {
      await io.print(this.syntaxError(matched, promptWidth));
      return;
    }
    let format: Format = 'text';
    let compare: number | undefined;
    let noMore = false;
    const filters: Array<(text: string) => string> = [];
    for (const part of pipes) {
      const pipe = PIPES.matchTokens(
        tokenize(part.text),
        part.start,
        part.start + part.text.trimEnd().length,
      );
      if (pipe.kind !== 'ok') {
        await io.print(this.syntaxError(pipe, promptWidth));
        return;
      }
      const p = pipe.value;
      if (p.kind === 'no-more') noMore = true;
      else if (p.kind === 'format') format = p.format;
      else if (p.kind === 'compare') {
        if (this.mode !== 'configuration') {
          await io.print(
            this.syntaxError(
              { kind: 'invalid', offset: part.start + 1 },
              promptWidth,
            ),
          );
          return;
        }
        compare = p.rollback ? Number(pipe.args.n) : 0;
      } else {
        const args = pipe.args;
        filters.push(text => p.apply(text, args));
      }
    }
    if (format !== 'text' && !matched.value.formats?.includes(format)) {
      await io.print(
        `${' '.repeat(
          promptWidth + line.lastIndexOf('display'),
        )}^\nsyntax error.\n`,
      );
      return;
    }
    const output = await matched.value.run({
      args: matched.args,
      line: command.text,
      promptWidth,
      io,
      format,
      compare,
    });
    if (typeof output !== 'string') return;
    const text = filters.reduce((t, f) => f(t), output);
    if (noMore) {
      const saved = io.pageLength;
      io.pageLength = 0;
      await io.print(text);
      io.pageLength = saved;
    } else {
      await io.print(text);
    }
  }

  private syntaxError(
    result: Exclude<MatchResult<unknown>, { kind: 'ok' }>,
    promptWidth: number,
  ): string {
    const caret = `${' '.repeat(promptWidth + result.offset)}^\n`;
    if (result.kind === 'ambiguous')
      return `${caret}'${result.token}' is ambiguous.\n`;
    if (result.kind === 'invalid' && result.offset === 0)
      return `${caret}unknown command.\n`;
    return `${caret}syntax error, expecting <command>.\n`;
  }

  private operationalCommands() {
    const system = this.system;
    const facts = system.facts;
    const setLength = (n: string, what: 'length' | 'width'): string => {
      if (!/^\d+$/.test(n))
        return `${' '.repeat(23)}^\ninvalid numeric value: '${n}'\n`;
      if (what === 'length' && this.io) this.io.pageLength = Number(n);
      return `Screen ${what} set to ${n}\n`;
    };
    return [
      {
        pattern: 'show version',
        value: {
          formats: ['xml'],
          run: (ctx: OpContext) =>
            ctx.format === 'xml'
              ? junosVersionXml(system.model, system.hostname())
              : junosShowVersion(
                  system.model,
                  system.hostname(),
                  facts.softwareVersion,
                ),
        } as OpCommand,
      },
      {
        pattern: 'show chassis hardware',
        value: {
          formats: ['xml'],
          run: (ctx: OpContext) =>
            ctx.format === 'xml'
              ? junosChassisHardwareXml(system.model, facts.realSerial())
              : junosChassisHardware(system.model, facts.realSerial()),
        } as OpCommand,
      },
      {
        pattern: 'show configuration',
        value: {
          formats: ['set'],
          run: (ctx: OpContext) =>
            ctx.format === 'set'
              ? `${displaySet(system.active).join('\n')}\n`
              : system.showConfiguration(system.active),
        } as OpCommand,
      },
      {
        pattern: 'show configuration <path...>',
        value: {
          formats: ['set'],
          run: (ctx: OpContext) =>
            this.showPath(system.active, ctx.args.path, ctx.format),
        } as OpCommand,
      },
      {
        pattern: 'show system uptime',
        value: {
          run: () =>
            `Current time: ${new Date()
              .toISOString()
              .replace('T', ' ')
              .slice(0, 19)} UTC\nSystem booted: ${facts
              .bootedAt()
              .toISOString()
              .replace('T', ' ')
              .slice(0, 19)} UTC\n`,
        } as OpCommand,
      },
      {
        pattern: 'show system storage',
        value: { run: () => junosSystemStorage(facts) } as OpCommand,
      },
      {
        pattern: 'file copy <from> <to>',
        value: {
          run: (ctx: OpContext) =>
            junosFileCopy(facts, ctx.args.from, ctx.args.to),
        } as OpCommand,
      },
      {
        pattern: 'file checksum <algorithm> <path>',
        value: {
          run: (ctx: OpContext) =>
            junosFileChecksum(facts, ctx.args.algorithm, ctx.args.path),
        } as OpCommand,
      },
      {
        pattern: 'file delete <path>',
        value: {
          run: (ctx: OpContext) => junosFileDelete(facts, ctx.args.path),
        } as OpCommand,
      },
      {
        pattern: 'request system software add <rest...>',
        value: {
          run: (ctx: OpContext) => junosSoftwareAdd(facts, ctx.args.rest),
        } as OpCommand,
      },
      {
        pattern: 'set cli screen-length <n>',
        value: {
          run: (ctx: OpContext) => setLength(ctx.args.n, 'length'),
        } as OpCommand,
      },
      {
        pattern: 'set cli screen-width <n>',
        value: {
          run: (ctx: OpContext) => setLength(ctx.args.n, 'width'),
        } as OpCommand,
      },
      {
        pattern: 'configure',
        value: { run: () => this.configure('shared') } as OpCommand,
      },
      {
        pattern: 'configure private',
        value: { run: () => this.configure('private') } as OpCommand,
      },
      {
        pattern: 'configure exclusive',
        value: { run: () => this.configure('exclusive') } as OpCommand,
      },
    ];
  }

  private configurationCommands() {
    const load = (how: 'override' | 'merge' | 'replace') =>
      ({ run: (ctx: OpContext) => this.load(how, ctx.io) } as OpCommand);
    const loadFile = (how: 'override' | 'merge' | 'replace') =>
      ({
        run: (ctx: OpContext) => this.loadFile(how, ctx.args.file),
      } as OpCommand);
    return [
      { pattern: 'load override terminal', value: load('override') },
      { pattern: 'load merge terminal', value: load('merge') },
      { pattern: 'load replace terminal', value: load('replace') },
      { pattern: 'load override <file>', value: loadFile('override') },
      { pattern: 'load merge <file>', value: loadFile('merge') },
      { pattern: 'load replace <file>', value: loadFile('replace') },
      {
        pattern: 'load set terminal',
        value: { run: (ctx: OpContext) => this.loadSet(ctx.io) } as OpCommand,
      },
      {
        pattern: 'set <path...>',
        value: { run: (ctx: OpContext) => this.edit('set', ctx) } as OpCommand,
      },
      {
        pattern: 'delete <path...>',
        value: {
          run: (ctx: OpContext) => this.edit('delete', ctx),
        } as OpCommand,
      },
      {
        pattern: 'show',
        value: {
          formats: ['set'],
          run: (ctx: OpContext) => this.showCandidate(ctx),
        } as OpCommand,
      },
      {
        pattern: 'show <path...>',
        value: {
          formats: ['set'],
          run: (ctx: OpContext) =>
            this.showPath(this.candidate, ctx.args.path, ctx.format),
        } as OpCommand,
      },
      { pattern: 'commit', value: { run: () => this.commit({}) } as OpCommand },
      {
        pattern: 'commit check',
        value: { run: () => this.commit({ check: true }) } as OpCommand,
      },
      {
        pattern: 'commit and-quit',
        value: { run: () => this.commit({ andQuit: true }) } as OpCommand,
      },
      {
        pattern: 'commit comment <text...>',
        value: { run: () => this.commit({}) } as OpCommand,
      },
      {
        pattern: 'commit confirmed',
        value: { run: () => this.commit({ confirmMinutes: 10 }) } as OpCommand,
      },
      {
        pattern: 'commit confirmed <minutes>',
        value: {
          run: (ctx: OpContext) =>
            this.commit({ confirmMinutes: ctx.args.minutes }),
        } as OpCommand,
      },
      {
        pattern: 'commit confirmed <minutes> comment <text...>',
        value: {
          run: (ctx: OpContext) =>
            this.commit({ confirmMinutes: ctx.args.minutes }),
        } as OpCommand,
      },
      {
        pattern: 'rollback',
        value: { run: () => this.rollback('0') } as OpCommand,
      },
      {
        pattern: 'rollback <n>',
        value: {
          run: (ctx: OpContext) => this.rollback(ctx.args.n),
        } as OpCommand,
      },
      {
        pattern: 'exit',
        value: {
          run: (ctx: OpContext) => this.exitConfiguration(ctx.io),
        } as OpCommand,
      },
      {
        pattern: 'exit configuration-mode',
        value: {
          run: (ctx: OpContext) => this.exitConfiguration(ctx.io),
        } as OpCommand,
      },
      {
        pattern: 'quit',
        value: {
          run: (ctx: OpContext) => this.exitConfiguration(ctx.io),
        } as OpCommand,
      },
      { pattern: 'top', value: { run: () => '' } as OpCommand },
    ];
  }

  private configure(kind: 'private' | 'exclusive' | 'shared'): string {
    const owner = this.system.exclusiveOwner;
    if (owner && owner !== this) {
      return `error: configuration database locked by:\n  ${
        owner.sessionUser
      } terminal p0 (pid 4242) on since ${unixTime(
        new Date(),
      )}\n      exclusive [edit]\n`;
    }
    this.mode = 'configuration';
    this.kind = kind;
    if (kind === 'exclusive') this.system.exclusiveOwner = this;
    if (kind === 'shared') {
      this.system.sharedCandidate ??= cloneJunos(this.system.active);
      this.candidate = this.system.sharedCandidate;
      return 'Entering configuration mode\n';
    }
    this.candidate = cloneJunos(this.system.active);
    return 'warning: uncommitted changes will be discarded on exit\nEntering configuration mode\n';
  }

  get sessionUser(): string {
    return this.session.username;
  }

  private setCandidate(config: JunosConfig): void {
    this.candidate = config;
    if (this.kind === 'shared') this.system.sharedCandidate = config;
  }

  private async load(
    how: 'override' | 'merge' | 'replace',
    io: ShellIO,
  ): Promise<string> {
    io.write('[Type ^D at a new line to end input]\n');
    const body = await io.readUntilCtrlD(line => {
      if (line.trim()) io.countConfigLine();
    });
    if (body === null) return '';
    return this.loadText(how, body, 'terminal');
  }

  /**
   * "load override|merge|replace <file>": a file on the box (a ZTP script
   * writes its configuration to /var/tmp first); errors name the file.
   */
  private async loadFile(
    how: 'override' | 'merge' | 'replace',
    file: string,
  ): Promise<string> {
    const body = await this.session.readFile?.(file);
    if (body === undefined) {
      return `error: Could not open configuration file: ${file}: No such file or directory\nerror: configuration load failed\n`;
    }
    return this.loadText(how, body, file);
  }

  /** Loads configuration text into the candidate, whole or not at all. */
  private loadText(
    how: 'override' | 'merge' | 'replace',
    body: string,
    source: string,
  ): string {
    const parsed = parseJunosConfig(body);
    const errors =
      'error' in parsed ? [parsed.error] : validateJunos(parsed.config);
    if (errors.length || 'error' in parsed) {
      return `${errors
        .map(e => formatLoadError(e, source))
        .join('\n')}\nerror: configuration load failed: ${errors.length} error${
        errors.length === 1 ? '' : 's'
      }; the candidate configuration is unchanged\n`;
    }
    const incoming = parsed.config;
    const next =
      how === 'override'
        ? cloneJunos(incoming)
        : mergeJunos(this.candidate, incoming, how === 'replace');
    this.setCandidate(next);
    return 'load complete\n';
  }

  /** "set ..." or "delete ...": one change to the candidate. */
  private edit(verb: 'set' | 'delete', ctx: OpContext): string {
    ctx.io.countConfigLine();
    const marker = (start: number) =>
      `${' '.repeat(ctx.promptWidth + start)}^\n`;
    const words = tokenizeJunosCommand(ctx.line);
    if ('error' in words) {
      return `${marker(words.start)}syntax error, ${words.error}.\n`;
    }
    const path = words.slice(1);
    const result =
      verb === 'set'
        ? applySet(this.candidate, path)
        : applyDelete(this.candidate, path);
    if ('error' in result) {
      return result.error.message === 'syntax error'
        ? `${marker(result.start)}syntax error.\n`
        : `${marker(result.start)}error: ${result.error.message}\n`;
    }
    if (!result.config) return 'warning: statement not found\n';
    this.setCandidate(result.config);
    return '';
  }

  /**
   * "load set terminal": set and delete commands, one a line. A line in
   * error is reported and skipped; the others change the candidate.
   */
  private async loadSet(io: ShellIO): Promise<string> {
    io.write('[Type ^D at a new line to end input]\n');
    const body = await io.readUntilCtrlD(line => {
      if (line.trim()) io.countConfigLine();
    });
    if (body === null) return '';
    let config = this.candidate;
    const messages: string[] = [];
    let errors = 0;
    body.split(/\r?\n/).forEach((text, index) => {
      const line = index + 1;
      if (!text.trim() || text.trim().startsWith('#')) return;
      const words = tokenizeJunosCommand(text);
      const fail = (error: JunosSyntaxError) => {
        errors++;
        messages.push(formatLoadError(error));
      };
      if ('error' in words) {
        fail({
          line,
          column: words.start + 1,
          token: text.slice(words.start).trim(),
          message: `syntax error, ${words.error}`,
          path: [],
        });
        return;
      }
      const [verb, ...path] = words;
      if (!['set', 'delete'].includes(verb.text) || path.length === 0) {
        fail({
          line,
          column: verb.start + 1,
          token: verb.text,
          message: 'syntax error',
          path: [],
          statement: text.trim(),
        });
        return;
      }
      const result =
        verb.text === 'set'
          ? applySet(config, path, line)
          : applyDelete(config, path, line);
      if ('error' in result) fail(result.error);
      else if (!result.config) {
        messages.push(`terminal:${line}: warning: statement not found`);
      } else config = result.config;
    });
    this.setCandidate(config);
    const summary = errors
      ? `load complete (${errors} errors)`
      : 'load complete';
    return `${[...messages, summary].join('\n')}\n`;
  }

  private showCandidate(ctx: OpContext): string {
    if (ctx.compare !== undefined) {
      const base =
        ctx.compare === 0
          ? this.system.active
          : this.system.history[ctx.compare - 1];
      if (!base)
        return `error: rollback ${ctx.compare}: no such configuration\n`;
      return compareJunos(base, this.candidate);
    }
    if (ctx.format === 'set')
      return `${displaySet(this.candidate).join('\n')}\n`;
    return `${renderJunosConfig(this.candidate).join('\n')}\n`;
  }

  private showPath(config: JunosConfig, path: string, format: Format): string {
    const parts = path.split(/\s+/);
    const node = findPath(config, parts);
    if (!node) return '';
    if (format === 'set') {
      return `${displaySet(node.children ?? [], parts)
        .concat(node.children ? [] : [`set ${parts.join(' ')}`])
        .join('\n')}\n`;
    }
    return node.children
      ? `${renderJunosConfig(node.children).join('\n')}\n`
      : `${renderJunosConfig([node]).join('\n')}\n`;
  }

  private commit(options: {
    check?: boolean;
    andQuit?: boolean;
    confirmMinutes?: number | string;
  }): string {
    const problems = commitProblems(this.candidate);
    if (problems.length) {
      return `${problems.join('\n')}\nerror: configuration check-out failed\n`;
    }
    if (options.check) return 'configuration check succeeds\n';
    const by = this.session.username;
    if (options.confirmMinutes !== undefined) {
      const minutes = Number(options.confirmMinutes);
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 65535) {
        return `error: invalid value for 'confirmed': ${options.confirmMinutes}\n`;
      }
      this.system.commitConfirmed(this.candidate, minutes, by);
      this.afterCommit();
      return `configuration check succeeds\ncommit confirmed will be automatically rolled back in ${minutes} minutes unless confirmed\ncommit complete\n`;
    }
    this.system.confirm();
    this.system.commit(this.candidate, by);
    this.afterCommit();
    if (options.andQuit) {
      this.leave();
      return 'commit complete\nExiting configuration mode\n';
    }
    return 'commit complete\n';
  }

  private afterCommit(): void {
    // After a commit the candidate starts again from the new active configuration.
    this.setCandidate(cloneJunos(this.system.active));
  }

  private rollback(n: string): string {
    if (!/^\d+$/.test(n) || Number(n) > 49) {
      return `${' '.repeat(9)}^\nsyntax error, expecting <number>.\n`;
    }
    const index = Number(n);
    const config =
      index === 0 ? this.system.active : this.system.history[index - 1];
    if (!config)
      return `error: Cannot open configuration file: rollback ${n} does not exist\n`;
    this.setCandidate(cloneJunos(config));
    return 'load complete\n';
  }

  private async exitConfiguration(io: ShellIO): Promise<string> {
    if (!junosEqual(this.candidate, this.system.active)) {
      const question =
        this.kind === 'shared'
          ? 'The configuration has been changed but not committed\nExit with uncommitted changes? [yes,no] (yes) '
          : 'The configuration has been changed but not committed\nDiscard uncommitted changes? [yes,no] (yes) ';
      const answer = await io.readLine(question);
      if (answer !== null && /^n/i.test(answer.trim())) return '';
    }
    this.leave();
    return 'Exiting configuration mode\n';
  }

  private leave(): void {
    if (this.system.exclusiveOwner === this)
      this.system.exclusiveOwner = undefined;
    this.mode = 'operational';
    this.candidate = [];
  }
}
