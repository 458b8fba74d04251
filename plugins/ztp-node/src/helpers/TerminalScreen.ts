/**
 * A minimal terminal emulator for CLI output read through a pty: it applies
 * carriage returns, backspaces and "erase line" sequences the way a screen
 * would, drops other escape sequences, and keeps finished lines apart from
 * the line being written (where prompts and pager prompts appear).
 */
export class TerminalScreen {
  private lines: string[] = [];
  private current: string[] = [];
  private cursor = 0;
  /** An escape sequence split across two chunks. */
  private pendingEscape = '';

  /** Characters that stand for text we removed (pager prompts) until the line ends. */
  private static readonly HOLE = '\u0000';

  /** Number of finished lines so far. */
  get lineCount(): number {
    return this.lines.length;
  }

  /** Finished lines from `start` on, without control characters or trailing spaces. */
  linesFrom(start: number): string[] {
    return this.lines.slice(start);
  }

  /** The line being written, as it would show on a screen. */
  get currentLine(): string {
    return this.current.join('').split(TerminalScreen.HOLE).join('');
  }

  write(chunk: string) {
    let text = this.pendingEscape + chunk;
    this.pendingEscape = '';
    let i = 0;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '\x1b') {
        const consumed = this.escape(text, i);
        if (consumed === 0) {
          // Incomplete sequence: keep it for the next chunk.
          this.pendingEscape = text.slice(i);
          text = '';
          break;
        }
        i += consumed;
        continue;
      }
      if (ch === '\n') {
        this.endLine();
      } else if (ch === '\r') {
        this.cursor = 0;
      } else if (ch === '\b') {
        this.cursor = Math.max(0, this.cursor - 1);
      } else if (ch === '\t' || (ch >= ' ' && ch !== '\x7f')) {
        // Tabs are kept as they are: parsers treat them as blanks.
        this.put(ch);
      }
      // Other control characters (bell, NUL) have no visible effect.
      i += 1;
    }
  }

  /**
   * Replaces the part of the current line matched by `pattern` with holes,
   * so that whatever the device does to erase its pager prompt (backspaces,
   * carriage return and spaces, or nothing) leaves no trace of it.
   */
  blankOut(pattern: RegExp): boolean {
    const visible = this.current.map(c => (c === TerminalScreen.HOLE ? '' : c));
    const text = visible.join('');
    const match = pattern.exec(text);
    if (!match) return false;
    // Map the match back to cell positions (holes take no visible space).
    let seen = 0;
    const from = match.index;
    const to = match.index + match[0].length;
    for (let cell = 0; cell < this.current.length; cell++) {
      if (visible[cell] === '') continue;
      if (seen >= from && seen < to) this.current[cell] = TerminalScreen.HOLE;
      seen += 1;
    }
    return true;
  }

  private put(ch: string) {
    while (this.current.length < this.cursor) this.current.push(' ');
    this.current[this.cursor] = ch;
    this.cursor += 1;
  }

  private endLine() {
    this.lines.push(this.currentLine.trimEnd());
    this.current = [];
    this.cursor = 0;
  }

  /** Handles an escape sequence at `i`; returns its length, 0 when incomplete. */
  private escape(text: string, i: number): number {
    if (i + 1 >= text.length) return 0;
    const next = text[i + 1];
    if (next !== '[') {
      // Two-character sequences (ESC 7, ESC 8, ESC =, ...): no effect here.
      return 2;
    }
    // Control Sequence Introducer: ESC [ parameters intermediates final.
    const body = text.slice(i + 2);
    const csi = /^([0-9;?]*)([\x20-\x2f]*)([\x40-\x7e])/.exec(body);
    if (!csi) {
      // A valid prefix waits for the next chunk; anything else is dropped.
      return /^[0-9;?]*[\x20-\x2f]*$/.test(body) ? 0 : 2;
    }
    const [sequence, params, , final] = csi;
    const n = Number(params.split(';')[0]) || 0;
    switch (final) {
      case 'K':
        if (n === 0) this.current = this.current.slice(0, this.cursor);
        else if (n === 2) this.current = [];
        else if (n === 1) {
          for (let c = 0; c < this.cursor && c < this.current.length; c++) {
            this.current[c] = ' ';
          }
        }
        break;
      case 'D':
        this.cursor = Math.max(0, this.cursor - (n || 1));
        break;
      case 'C':
        this.cursor += n || 1;
        break;
      case 'G':
        this.cursor = Math.max(0, (n || 1) - 1);
        break;
      default:
        // Colours, cursor visibility, scrolling regions: nothing to apply.
        break;
    }
    return 2 + sequence.length;
  }
}
