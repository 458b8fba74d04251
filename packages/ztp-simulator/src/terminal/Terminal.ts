import type { InputQueue } from './InputQueue';
import type { PagerStyle, ShellIO } from './types';

export type TerminalOptions = {
  input: InputQueue;
  /** Sends text to the client. */
  output: (text: string) => void;
  interactive: boolean;
  /** Line ending the device writes (CRLF on a pty). */
  newline: string;
  pageLength: number;
  pager: PagerStyle;
  /** Called for each configuration line; may drop the connection. */
  onConfigLine?: () => void;
};

const CTRL_C = '\x03';
const CTRL_D = '\x04';
const CTRL_U = '\x15';
const ESC = '\x1b';

/**
 * A device terminal: line editing with echo, the platform's pager, and line
 * endings. On an exec channel it neither echoes nor pages, like the real
 * devices, which only page when a pty is attached.
 */
export class Terminal implements ShellIO {
  readonly interactive: boolean;
  pageLength: number;
  private readonly options: TerminalOptions;
  private swallowLineFeed = false;

  constructor(options: TerminalOptions) {
    this.options = options;
    this.interactive = options.interactive;
    this.pageLength = options.interactive ? options.pageLength : 0;
  }

  write(text: string): void {
    if (!text) return;
    this.options.output(text.replace(/\r?\n/g, this.options.newline));
  }

  async print(text: string): Promise<void> {
    if (!text) return;
    const lines = text.split('\n');
    const endsWithNewline = lines[lines.length - 1] === '';
    if (endsWithNewline) lines.pop();
    const pageSize = this.pageLength - 1;
    if (this.pageLength <= 1 || lines.length <= pageSize) {
      this.write(text);
      return;
    }
    const newline = this.options.newline;
    const emit = (from: number, to: number) =>
      this.options.output(
        lines
          .slice(from, to)
          .map(l => l + newline)
          .join(''),
      );
    emit(0, pageSize);
    let shown = pageSize;
    while (shown < lines.length) {
      const prompt = this.options.pager.prompt(
        Math.floor((shown * 100) / lines.length),
      );
      this.options.output(prompt);
      const key = await this.nextKey();
      this.options.output(this.options.pager.erase(prompt));
      if (key === null) return;
      let step: number;
      if (key === ' ') step = pageSize;
      else if (key === '\r' || key === '\n') step = 1;
      else return; // q and any other key stop the output
      emit(shown, Math.min(lines.length, shown + step));
      shown += step;
    }
  }

  async readLine(prompt: string): Promise<string | null> {
    this.write(prompt);
    let line = '';
    for (;;) {
      const c = await this.nextKey();
      if (c === null) return line.length > 0 ? line : null;
      if (c === '\r' || c === '\n') {
        if (this.interactive) this.options.output(this.options.newline);
        return line;
      }
      if (c === '\x7f' || c === '\b') {
        if (line.length > 0) {
          line = line.slice(0, -1);
          this.echo('\b \b');
        }
      } else if (c === CTRL_U) {
        this.echo('\b \b'.repeat(line.length));
        line = '';
      } else if (c === CTRL_C) {
        // Abandons the line, as the devices do.
        this.echo(`^C${this.options.newline}`);
        return '';
      } else if (c === ESC) {
        await this.skipEscapeSequence();
      } else if (c === CTRL_D) {
        // Ignored on a command line.
      } else if (c >= ' ' || c === '\t') {
        line += c;
        this.echo(c);
      }
    }
  }

  async readUntilCtrlD(
    onLine?: (line: string) => void,
  ): Promise<string | null> {
    const lines: string[] = [];
    let line = '';
    for (;;) {
      const c = await this.nextKey();
      if (c === null) return null;
      if (c === CTRL_D) {
        if (line) {
          lines.push(line);
          onLine?.(line);
        }
        this.echo(this.options.newline);
        return lines.join('\n');
      }
      if (c === '\r' || c === '\n') {
        this.echo(this.options.newline);
        lines.push(line);
        onLine?.(line);
        line = '';
      } else if (c === '\x7f' || c === '\b') {
        if (line.length > 0) {
          line = line.slice(0, -1);
          this.echo('\b \b');
        }
      } else if (c >= ' ' || c === '\t') {
        line += c;
        this.echo(c);
      }
    }
  }

  countConfigLine(): void {
    this.options.onConfigLine?.();
  }

  private echo(text: string): void {
    if (this.interactive) this.options.output(text);
  }

  /** The next key, treating CR LF (and CR NUL) as one Enter. */
  private async nextKey(): Promise<string | null> {
    for (;;) {
      const c = await this.options.input.next();
      const swallow = this.swallowLineFeed;
      this.swallowLineFeed = c === '\r';
      if (swallow && (c === '\n' || c === '\0')) continue;
      return c;
    }
  }

  private async skipEscapeSequence(): Promise<void> {
    const first = await this.options.input.next();
    if (first !== '[' && first !== 'O') return;
    for (;;) {
      const c = await this.options.input.next();
      if (c === null || (c >= '@' && c <= '~')) return;
    }
  }
}
