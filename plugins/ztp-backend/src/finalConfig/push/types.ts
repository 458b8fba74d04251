import type { DeviceCli } from '@ztp-portal/backstage-plugin-ztp-node';
import type { PushCli } from './PushCli';

/** An open SSH CLI session on the device being pushed to. */
export type PushSession = { cli: DeviceCli; close(): void };

/**
 * How far a push got, which decides what a rollback must undo:
 * - clean: nothing on the device changed yet
 * - prepared: a restore point exists (checkpoint, flash copy, session)
 * - changing: the running configuration may hold part of the new one
 * - pending-confirm: committed with an automatic rollback timer
 * - confirmed: the new configuration is permanent
 */
export type PushPhase =
  | 'clean'
  | 'prepared'
  | 'changing'
  | 'pending-confirm'
  | 'confirmed';

export type PushContext = {
  /** Names the restore point, session or commit: unique per push. */
  label: string;
  /** Minutes before a commit timer or commit confirmed reverts by itself. */
  confirmMinutes: number;
  /** The bootstrap account the push is logged in with. */
  username?: string;
  phase: PushPhase;
};

/**
 * A platform's safe way of replacing its configuration over the CLI: take a
 * restore point (or open a session), apply, keep the change revertible
 * until it is verified, confirm, and roll back on request.
 */
export interface PushProcedure {
  readonly platform: string;
  /**
   * Questions the procedure's commands ask ("Destination filename [x]?"),
   * recognised like prompts so that the procedure can answer them.
   */
  readonly interactivePrompts?: RegExp;
  /** Output that means the device refused a command, beyond the driver's. */
  readonly rejectPattern?: RegExp;
  /** Lines of the rendered configuration that must show in the running one. */
  keyLines(config: string): string[];
  /** Takes the restore point and applies the configuration, unconfirmed. */
  apply(cli: PushCli, config: string, ctx: PushContext): Promise<void>;
  /** Makes the verified configuration permanent. */
  confirm(cli: PushCli, ctx: PushContext): Promise<void>;
  /**
   * Restores the configuration from before the push. `fresh` is true on a
   * new session (the push session died), false on the push session itself,
   * which may still be in configuration mode.
   */
  rollback(cli: PushCli, ctx: PushContext, fresh: boolean): Promise<void>;
  /** Applies the account removal snippet and saves the configuration. */
  removeAccount(cli: PushCli, removal: string, ctx: PushContext): Promise<void>;
  /** Deletes the restore point once it is no longer needed. */
  cleanup?(cli: PushCli, ctx: PushContext): Promise<void>;
}

const PROBLEM =
  /error|invalid|incomplete|ambiguous|syntax|unknown|not found|denied|failed|%/i;

/**
 * The lines of a device's answer that say what went wrong, each with the
 * line before it (Junos names the statement there), without the echo of a
 * long input.
 */
export function problemLines(output: string): string {
  const lines = output
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && l !== '^');
  const picked = new Set<number>();
  lines.forEach((line, i) => {
    if (PROBLEM.test(line)) {
      if (i > 0) picked.add(i - 1);
      picked.add(i);
    }
  });
  const chosen = picked.size
    ? [...picked].sort((a, b) => a - b).map(i => lines[i])
    : lines.slice(-4);
  return chosen.join(' ').slice(0, 600);
}

/** The device refused a command or a configuration line. */
export class DeviceRejectedError extends Error {
  readonly command: string;
  readonly output: string;
  constructor(command: string, output: string, what = 'command') {
    super(
      `the device rejected the ${what} "${command}": ${problemLines(output)}`,
    );
    this.name = 'DeviceRejectedError';
    this.command = command;
    this.output = output;
  }
}

/** The configuration read back lacks lines the rendered one has. */
export class VerificationError extends Error {
  readonly missing: string[];
  constructor(missing: string[]) {
    const shown = missing.slice(0, 5).map(l => `"${l}"`);
    super(
      `verification failed: the running configuration lacks ${
        missing.length
      } line(s) of the final configuration, such as ${shown.join(', ')}`,
    );
    this.name = 'VerificationError';
    this.missing = missing;
  }
}
