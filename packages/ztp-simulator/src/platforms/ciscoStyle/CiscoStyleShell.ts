import {
  type CommandSpec,
  CommandMatcher,
  type MatchResult,
} from '../../cli/commandMatcher';
import { splitPipes, tokenize } from '../../cli/tokenize';
import type { ShellIO } from '../../terminal/types';
import type { PlatformShell } from '../types';
import { ConfigInterpreter, type FeedResult } from './ConfigInterpreter';
import type { ConfigNode } from './ConfigTree';
import type {
  CiscoStyleGrammar,
  CliErrorKind,
  ErrorFormatter,
} from './grammar';

/** Output formats a command may offer ("| json", "| display xml"). */
export type OutputFormat = 'text' | 'json';

export type ExecContext = {
  args: Record<string, string>;
  words: string[];
  io: ShellIO;
  format: OutputFormat;
  /** The platform's "invalid input" error, marking the n-th word. */
  invalidWord: (index: number) => string;
};

/** An exec command; returns its output, or undefined when it printed itself. */
export type ExecCommand = {
  run: (ctx: ExecContext) => Promise<string | void> | string | void;
  /** Whether "| json" is supported. */
  json?: boolean;
};

export type PipeContext = { args: Record<string, string>; text: string };

export type PipeCommand =
  | { kind: 'filter'; apply: (ctx: PipeContext) => string }
  | { kind: 'format'; format: OutputFormat }
  | { kind: 'no-more' };

/** Where configuration lines go while in configuration mode. */
export type ConfigTarget = {
  interpreter: ConfigInterpreter;
  /** Prompt prefix inside the parentheses before the mode, e.g. "config-s-x". */
  promptFor: (modeSuffix: string) => string;
  /** Called when configuration mode ends with "end" or "exit". */
  onEnd?: () => void;
};

/**
 * The CLI of an IOS-like platform: exec commands with abbreviations and
 * output filters, and a configuration mode driven by the platform grammar.
 */
export abstract class CiscoStyleShell implements PlatformShell {
  protected config: ConfigTarget | undefined;
  private execMatcher: CommandMatcher<ExecCommand> | undefined;
  private pipeMatcher: CommandMatcher<PipeCommand> | undefined;

  protected abstract readonly grammar: CiscoStyleGrammar;
  protected abstract readonly formatError: ErrorFormatter;
  /** Whether exec commands ("show ...") run directly in configuration mode. */
  protected abstract readonly execInConfigMode: boolean;

  abstract hostname(): string;
  abstract motd(): string;
  protected abstract execCommands(): Array<CommandSpec<ExecCommand>>;
  protected abstract pipeCommands(): Array<CommandSpec<PipeCommand>>;

  /**
   * Platform commands of configuration mode (EOS "commit", "abort"); returns
   * true when it handled the line.
   */
  protected async configCommand(_line: string, _io: ShellIO): Promise<boolean> {
    return false;
  }

  /** What IOS prints when a banner's text starts. */
  protected textPrompt(delimiter: string): string {
    return `Enter TEXT message.  End with the character '${delimiter}'.\n`;
  }

  prompt(): string {
    if (!this.config) return `${this.hostname()}#`;
    if (this.config.interpreter.readingText) return '';
    const suffix = this.config.interpreter.promptSuffix;
    return `${this.hostname()}(${this.config.promptFor(suffix)})#`;
  }

  close(): void {
    this.config = undefined;
  }

  async execute(line: string, io: ShellIO): Promise<'continue' | 'exit'> {
    const promptWidth = io.interactive ? this.prompt().length : 0;
    if (this.config) {
      await this.executeConfigLine(line, io, promptWidth);
      return 'continue';
    }
    return this.executeExec(line, io, promptWidth);
  }

  /** Enters configuration mode on a configuration tree. */
  protected enterConfig(
    root: ConfigNode,
    promptFor: (suffix: string) => string = s => s,
    onEnd?: () => void,
  ): void {
    this.config = {
      interpreter: new ConfigInterpreter(this.grammar, root),
      promptFor,
      onEnd,
    };
  }

  protected leaveConfig(): void {
    const onEnd = this.config?.onEnd;
    this.config = undefined;
    onEnd?.();
  }

  protected printError(
    io: ShellIO,
    kind: CliErrorKind,
    column: number,
    token?: string,
  ): Promise<void> {
    return io.print(this.formatError({ kind, token }, column));
  }

  private async executeConfigLine(
    line: string,
    io: ShellIO,
    promptWidth: number,
  ): Promise<void> {
    const config = this.config!;
    if (!config.interpreter.readingText) {
      const trimmed = line.trim();
      if (trimmed && (await this.configCommand(trimmed, io))) return;
      if (
        this.execInConfigMode &&
        /^sh(o(w)?)?(\s|$)/i.test(trimmed) &&
        trimmed.split(/\s+/)[0].length >= 2
      ) {
        await this.executeExec(trimmed, io, promptWidth);
        return;
      }
    }
    io.countConfigLine();
    const result: FeedResult = config.interpreter.feed(line);
    switch (result.kind) {
      case 'end':
        this.leaveConfig();
        return;
      case 'error':
        await this.printError(
          io,
          result.error,
          promptWidth + result.offset,
          result.token,
        );
        return;
      case 'text':
        if (result.delimiter !== 'EOF') {
          await io.print(this.textPrompt(result.delimiter));
        }
        return;
      case 'do':
        await this.executeExec(
          result.command,
          io,
          promptWidth + line.indexOf(result.command),
        );
        return;
      default:
        return;
    }
  }

  private async executeExec(
    line: string,
    io: ShellIO,
    promptWidth: number,
  ): Promise<'continue' | 'exit'> {
    if (!line.trim()) return 'continue';
    const first = line.trim().split(/\s+/)[0].toLowerCase();
    if (!this.config && ['exit', 'logout', 'quit'].includes(first)) {
      return 'exit';
    }
    this.execMatcher ??= new CommandMatcher(this.execCommands());
    this.pipeMatcher ??= new CommandMatcher(this.pipeCommands());

    const [commandPart, ...pipeParts] = splitPipes(line);
    const matched = this.execMatcher.matchTokens(
      tokenize(commandPart.text),
      0,
      commandPart.text.trimEnd().length,
    );
    if (matched.kind !== 'ok') {
      await this.reportMismatch(io, matched, promptWidth);
      return 'continue';
    }

    let format: OutputFormat = 'text';
    let noMore = false;
    const filters: Array<(text: string) => string> = [];
    for (const part of pipeParts) {
      const pipe = this.pipeMatcher.matchTokens(
        tokenize(part.text),
        part.start,
        part.start + part.text.trimEnd().length,
      );
      if (pipe.kind !== 'ok') {
        await this.reportMismatch(io, pipe, promptWidth);
        return 'continue';
      }
      const command = pipe.value;
      if (command.kind === 'format') {
        if (command.format === 'json' && !matched.value.json) {
          await this.printError(
            io,
            'invalid',
            promptWidth + part.start + part.text.search(/\S/),
          );
          return 'continue';
        }
        format = command.format;
      } else if (command.kind === 'no-more') {
        noMore = true;
      } else {
        const args = pipe.args;
        filters.push(text => command.apply({ args, text }));
      }
    }

    const commandTokens = tokenize(commandPart.text);
    const output = await matched.value.run({
      args: matched.args,
      words: matched.words,
      io,
      format,
      invalidWord: index =>
        this.formatError(
          { kind: 'invalid' },
          promptWidth +
            (commandTokens[index]?.start ?? commandPart.text.length),
        ),
    });
    if (typeof output === 'string') {
      const filtered = filters.reduce((text, filter) => filter(text), output);
      if (noMore) {
        const saved = io.pageLength;
        io.pageLength = 0;
        await io.print(filtered);
        io.pageLength = saved;
      } else {
        await io.print(filtered);
      }
    }
    return 'continue';
  }

  private reportMismatch(
    io: ShellIO,
    result: Exclude<MatchResult<unknown>, { kind: 'ok' }>,
    promptWidth: number,
  ): Promise<void> {
    return this.printError(
      io,
      result.kind,
      promptWidth + result.offset,
      'token' in result ? result.token : undefined,
    );
  }
}
