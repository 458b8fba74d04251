import type { DeviceCli } from '../cli';
import { cliLines, isRejected } from './output';

/**
 * Runs a "show configuration" style command and returns the configuration
 * without the lines that change on every read (timestamps, build notices),
 * so that two reads of an unchanged device compare equal.
 */
export async function readConfigText(
  cli: DeviceCli,
  command: string,
  options: { errorPattern?: RegExp; volatileLines: RegExp },
): Promise<string> {
  const output = await cli.run(command);
  if (isRejected(output, options.errorPattern)) {
    throw new Error(`The device rejected "${command}": ${output.trim()}`);
  }
  const lines = cliLines(output).filter(
    line => !options.volatileLines.test(line),
  );
  while (lines.length && lines[0].trim() === '') lines.shift();
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  return `${lines.join('\n')}\n`;
}
