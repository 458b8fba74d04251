/**
 * How far a push got, which decides what a rollback must undo:
 * - clean: nothing on the device changed yet
 * - prepared: a restore point exists (checkpoint, flash copy, session)
 * - changing: the running configuration may hold part of the new one
 * - pending-confirm: committed with an automatic rollback timer
 * - confirmed: the new configuration is permanent
 * @public
 */
export type PushPhase =
  | 'clean'
  | 'prepared'
  | 'changing'
  | 'pending-confirm'
  | 'confirmed';

/** One push as its procedure sees it; the procedure moves `phase` on. @public */
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
 * The CLI a push procedure drives, given by the backend: every command is
 * checked for the platform's rejection messages (the driver's errorPattern
 * and the procedure's rejectPattern) and bounded in time.
 * @public
 */
export interface PlatformPushCli {
  /** Runs a command; throws when the device refuses it. */
  run(
    command: string,
    options?: { timeoutMs?: number; what?: string },
  ): Promise<string>;
  /** Runs a command whose refusal does not matter (clean-up, mode changes). */
  runQuietly(command: string): Promise<string>;
  /** Sends raw text (answers, Ctrl-D terminated input) and checks the output. */
  send(
    text: string,
    options?: { timeoutMs?: number; what?: string; describe?: string },
  ): Promise<string>;
  /**
   * Enters configuration lines one by one in the current configuration
   * mode and stops at the first one the device rejects; a text block (an
   * EOS banner up to EOF) is sent in one piece.
   */
  configure(
    text: string,
    options?: { textBlock?: { start: RegExp; end: RegExp } },
  ): Promise<void>;
}

/**
 * A platform's safe way of replacing its configuration over the CLI: take a
 * restore point (or open a session), apply, keep the change revertible
 * until it is verified, confirm, and roll back on request. The backend runs
 * it: reads the running configuration first, verifies on a second login
 * that the key lines are there, and calls rollback on any failure.
 * @public
 */
export interface PlatformPushProcedure {
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
  apply(cli: PlatformPushCli, config: string, ctx: PushContext): Promise<void>;
  /** Makes the verified configuration permanent. */
  confirm(cli: PlatformPushCli, ctx: PushContext): Promise<void>;
  /**
   * Restores the configuration from before the push. `fresh` is true on a
   * new session (the push session died), false on the push session itself,
   * which may still be in configuration mode.
   */
  rollback(
    cli: PlatformPushCli,
    ctx: PushContext,
    fresh: boolean,
  ): Promise<void>;
  /** Applies the account removal snippet and saves the configuration. */
  removeAccount(
    cli: PlatformPushCli,
    removal: string,
    ctx: PushContext,
  ): Promise<void>;
  /** Deletes the restore point once it is no longer needed. */
  cleanup?(cli: PlatformPushCli, ctx: PushContext): Promise<void>;
}
