import {
  commandLines,
  isRejected,
  type DeviceCli,
  type PlatformPushCli,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { DeviceRejectedError } from './types';

/**
 * The push's view of a device CLI: every command is checked for the
 * platform's rejection messages and bounded in time, and configuration text
 * is entered line by line so that a rejected line is named precisely.
 */
export class PushCli implements PlatformPushCli {
  constructor(
    readonly cli: DeviceCli,
    private readonly options: {
      rejectPatterns: RegExp[];
      commandTimeoutMs: number;
    },
  ) {}

  rejected(output: string): boolean {
    return this.options.rejectPatterns.some(p => isRejected(output, p));
  }

  /** Runs a command; throws DeviceRejectedError when the device refuses it. */
  async run(
    command: string,
    options: { timeoutMs?: number; what?: string } = {},
  ): Promise<string> {
    const output = await this.cli.run(command, {
      timeoutMs: options.timeoutMs ?? this.options.commandTimeoutMs,
    });
    if (this.rejected(output)) {
      throw new DeviceRejectedError(command, output, options.what);
    }
    return output;
  }

  /** Runs a command whose refusal does not matter (clean-up, mode changes). */
  runQuietly(command: string): Promise<string> {
    return this.cli.run(command, { timeoutMs: this.options.commandTimeoutMs });
  }

  /** Sends raw text (answers, Ctrl-D terminated input) and checks the output. */
  async send(
    text: string,
    options: { timeoutMs?: number; what?: string; describe?: string } = {},
  ): Promise<string> {
    const output = await this.cli.send(text, {
      timeoutMs: options.timeoutMs ?? this.options.commandTimeoutMs,
    });
    if (this.rejected(output)) {
      throw new DeviceRejectedError(
        options.describe ?? text.trim().slice(0, 80),
        output,
        options.what,
      );
    }
    return output;
  }

  /**
   * Enters configuration lines one by one in the current configuration
   * mode and stops at the first one the device rejects. A multi-line text
   * block (an EOS banner, ended by EOF) is sent in one piece, since the CLI
   * shows no prompt between its lines.
   */
  async configure(
    text: string,
    options: { textBlock?: { start: RegExp; end: RegExp } } = {},
  ): Promise<void> {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (commandLines(line).length === 0) continue;
      const block = options.textBlock;
      if (block?.start.test(line.trim())) {
        const body = [line.trim()];
        while (i + 1 < lines.length) {
          body.push(lines[++i]);
          if (block.end.test(lines[i].trim())) break;
        }
        await this.send(`${body.join('\n')}\n`, {
          what: 'configuration line',
          describe: line.trim(),
        });
        continue;
      }
      await this.run(line.trim(), { what: 'configuration line' });
    }
  }
}
