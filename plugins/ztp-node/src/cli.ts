/**
 * An interactive CLI session on a device, opened by the ZTP backend over SSH
 * with the device's local account. Drivers speak to devices only through it.
 * @public
 */
export interface DeviceCli {
  /**
   * Runs one command and resolves with its output: without the echoed
   * command, the trailing prompt, pager prompts or login banner.
   */
  run(command: string, options?: { timeoutMs?: number }): Promise<string>;
  /**
   * Sends raw text (for example a configuration body followed by Ctrl-D for
   * Junos "load ... terminal") and resolves with the output up to the next
   * prompt.
   */
  send(text: string, options?: { timeoutMs?: number }): Promise<string>;
}

/** SSH algorithm lists a platform needs, in ssh2's terms. @public */
export type SshAlgorithmPreferences = {
  kex?: string[];
  serverHostKey?: string[];
  cipher?: string[];
  hmac?: string[];
};

/** How the backend drives a platform's CLI over SSH. @public */
export type PlatformCliOptions = {
  /** Matches the prompt at the end of output, e.g. /[\w.-]+(\(config[^)]*\))?[#>]\s*$/. */
  promptPattern: RegExp;
  /** Matches a pager prompt that must be answered with a space. */
  pagerPattern?: RegExp;
  /** Commands run once after login, such as "terminal length 0". */
  setupCommands?: string[];
  /** Matches output lines that mean the device rejected a command. */
  errorPattern?: RegExp;
  /**
   * Where a login may land unprivileged (EOS "switch>"): the session sends
   * the command and, if the device asks for a password, the account's.
   */
  enable?: { unprivilegedPrompt: RegExp; command: string };
};

/** Thrown by a driver when device output holds no chassis serial. @public */
export class SerialParseError extends Error {
  readonly output: string;
  constructor(message: string, output: string) {
    super(message);
    this.name = 'SerialParseError';
    this.output = output;
  }
}
