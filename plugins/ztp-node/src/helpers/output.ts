import type { DeviceCli } from '../cli';
import { TerminalScreen } from './TerminalScreen';

/** Pager prompts of all four platforms, wherever a stray one is left. */
const PAGER_RESIDUE =
  /[ \t]*(?:-{2,3}[ \t]*\(?[ \t]*more(?:[ \t]+\d+%)?[ \t]*\)?[ \t]*-{2,3})[ \t]*/gi;

/**
 * Splits CLI output into clean lines: CRLF, carriage-return overwrites,
 * backspaces and escape sequences applied as a terminal would, leftover
 * pager prompts removed, trailing spaces dropped. Parsers run on this so
 * that raw captures (with echo, banners and pager residue) read the same
 * as the DeviceCli's already cleaned output.
 */
export function cliLines(output: string): string[] {
  const screen = new TerminalScreen();
  screen.write(output);
  screen.write('\n');
  return screen
    .linesFrom(0)
    .map(line => line.replace(PAGER_RESIDUE, ' ').trimEnd());
}

/** True when any line of the output is a rejection by the device's CLI. */
export function isRejected(output: string, errorPattern?: RegExp): boolean {
  if (!errorPattern) return false;
  const pattern = new RegExp(
    errorPattern.source,
    errorPattern.flags.replace(/[gy]/g, ''),
  );
  return cliLines(output).some(line => pattern.test(line));
}

/**
 * A plausible chassis serial: 3 to 40 letters, digits and inner dashes,
 * not a placeholder such as N/A.
 */
export function looksLikeSerial(value: string | undefined): value is string {
  if (!value) return false;
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{1,38}[A-Za-z0-9])$/.test(value)) {
    return false;
  }
  return !/^(?:na|none|unknown|builtin|0+)$/i.test(value);
}

/**
 * Runs one show command and parses its output, unless the CLI refused the
 * command: the output is kept for the error a driver throws when no
 * command named the serial.
 */
export async function runAndParse<T>(
  cli: DeviceCli,
  command: string,
  errorPattern: RegExp | undefined,
  parse: (output: string) => T | undefined,
): Promise<{ output: string; value?: T }> {
  const output = await cli.run(command);
  return {
    output,
    value: isRejected(output, errorPattern) ? undefined : parse(output),
  };
}
