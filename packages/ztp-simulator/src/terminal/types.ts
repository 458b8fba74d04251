/** How a platform draws and clears its pager prompt. */
export type PagerStyle = {
  /** The prompt shown when a page is full, given the share already shown. */
  prompt(percentShown: number): string;
  /** What the device writes to clear the prompt once a key was pressed. */
  erase(prompt: string): string;
};

/**
 * The terminal a platform CLI talks to: an interactive shell (pty) or an
 * exec channel running one command.
 */
export interface ShellIO {
  /** True for an interactive shell, false for an exec channel. */
  readonly interactive: boolean;
  /** Lines per page; 0 turns paging off. */
  pageLength: number;
  /** Writes text as is (newlines become the terminal's line endings). */
  write(text: string): void;
  /** Writes command output, stopping at the pager prompt on long output. */
  print(text: string): Promise<void>;
  /** Shows a prompt and reads one line, echoing it. Null when the input ended. */
  readLine(prompt: string): Promise<string | null>;
  /**
   * Reads lines until Ctrl-D (^D) at the start of a line, echoing them, as
   * Junos "load ... terminal" does. Null when the input ended first.
   */
  readUntilCtrlD(onLine?: (line: string) => void): Promise<string | null>;
  /**
   * Counts one configuration line of a push. Throws ConnectionDropped when
   * the device drops the connection at this line (dropAfterConfigLines).
   */
  countConfigLine(): void;
}

/** The device cut the connection; the CLI stops at once. */
export class ConnectionDropped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ConnectionDropped';
  }
}
