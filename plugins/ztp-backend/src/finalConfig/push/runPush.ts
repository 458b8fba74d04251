import type {
  PlatformPushProcedure,
  PushContext,
  ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { hasAccount, missingLines } from './keyLines';
import { PushCli } from './PushCli';
import { PushSession, VerificationError } from './types';

export type PushOutcome =
  | { ok: true; warnings: string[] }
  | { ok: false; error: string; rolledBack: boolean };

export type PushOptions = {
  procedure: PlatformPushProcedure;
  driver: Pick<ZtpPlatformDriver, 'readRunningConfig' | 'cli'>;
  /** Opens a new SSH CLI session with the bootstrap account. */
  openSession: () => Promise<PushSession>;
  config: string;
  accountRemoval: string;
  username: string;
  label: string;
  confirmMinutes: number;
  commandTimeoutMs: number;
  /** Progress notes for the log. */
  onStep?: (step: string) => void;
};

function message(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

/** Errors of the SSH layer: the session is gone, not the command refused. */
function isSessionLost(error: unknown): boolean {
  const name = (error as Error)?.name ?? '';
  return /^Ssh|HostKeyMismatchError/.test(name);
}

function normalize(config: string): string {
  return config
    .split('\n')
    .map(l => l.trimEnd())
    .filter(Boolean)
    .join('\n');
}

/**
 * Pushes a final configuration with a platform's safe procedure:
 *
 * 1. reads the running configuration (to know what a rollback restores),
 * 2. applies the configuration, revertible (checkpoint, flash copy,
 *    configuration session with commit timer, commit confirmed),
 * 3. logs in again on a second session, which proves the device still
 *    accepts SSH with the new configuration, and reads the running
 *    configuration back: every key line must be there,
 * 4. confirms, then removes the bootstrap account (last, since the push is
 *    logged in with it) and checks it is gone.
 *
 * Any failure before the confirmation rolls back: on the push session if it
 * is alive, else on a new one, else the device's own commit timer reverts
 * it. Nothing here throws: the outcome says what happened.
 */
export async function pushFinalConfig(
  options: PushOptions,
): Promise<PushOutcome> {
  const { procedure, driver, openSession, onStep } = options;
  const readRunning = driver.readRunningConfig;
  if (!readRunning) {
    return {
      ok: false,
      rolledBack: true,
      error:
        'the platform driver cannot read the running configuration, so a push could not be verified; nothing was changed',
    };
  }
  const rejectPatterns = [
    ...(driver.cli.errorPattern ? [driver.cli.errorPattern] : []),
    ...(procedure.rejectPattern ? [procedure.rejectPattern] : []),
  ];
  const wrap = (session: PushSession) =>
    new PushCli(session.cli, {
      rejectPatterns,
      commandTimeoutMs: options.commandTimeoutMs,
    });
  const ctx: PushContext = {
    label: options.label,
    confirmMinutes: options.confirmMinutes,
    username: options.username,
    phase: 'clean',
  };

  let main: PushSession;
  try {
    onStep?.('connecting');
    main = await openSession();
  } catch (error) {
    return {
      ok: false,
      rolledBack: true,
      error: `could not open a session on the device, nothing was changed: ${message(
        error,
      )}`,
    };
  }
  const cli = wrap(main);
  let before: string | undefined;
  let mainAlive = true;

  /** Compares the running configuration after a rollback with before. */
  const checkRestored = async (
    on: PushCli,
    error: string,
    close: () => void,
  ): Promise<PushOutcome> => {
    try {
      const now = await readRunning(on.cli);
      if (before !== undefined && normalize(now) !== normalize(before)) {
        return {
          ok: false,
          rolledBack: true,
          error: `${error}; rolled back, but the running configuration still differs from the one before the push`,
        };
      }
      return { ok: false, rolledBack: true, error: `${error}; rolled back` };
    } finally {
      close();
    }
  };

  const rollBack = async (
    cause: unknown,
    stage: string,
  ): Promise<PushOutcome> => {
    if (isSessionLost(cause)) mainAlive = false;
    const error = `${stage} failed: ${message(cause)}`;
    if (ctx.phase === 'clean') {
      main.close();
      return {
        ok: false,
        rolledBack: true,
        error: `${error}; nothing was changed`,
      };
    }
    onStep?.('rolling back');
    if (mainAlive) {
      try {
        await procedure.rollback(cli, ctx, false);
        return await checkRestored(cli, error, () => main.close());
      } catch (e) {
        if (!isSessionLost(e)) {
          main.close();
          return {
            ok: false,
            rolledBack: false,
            error: `${error}; the rollback failed too: ${message(e)}`,
          };
        }
      }
    }
    main.close();
    let fresh: PushSession;
    try {
      fresh = await openSession();
    } catch (e) {
      const automatic = ctx.phase === 'pending-confirm';
      return {
        ok: false,
        rolledBack: false,
        error: `${error}; no new session could be opened to roll back (${message(
          e,
        )})${
          automatic
            ? `: the device reverts to its previous configuration by itself ${ctx.confirmMinutes} minutes after the commit`
            : ''
        }`,
      };
    }
    const freshCli = wrap(fresh);
    try {
      const now = await readRunning(freshCli.cli);
      if (before !== undefined && normalize(now) === normalize(before)) {
        // Nothing reached the running configuration (an uncommitted session
        // or candidate died with the connection); clean up what is left.
        if (ctx.phase === 'prepared' || ctx.phase === 'pending-confirm') {
          await procedure.rollback(freshCli, ctx, true).catch(() => undefined);
        }
        fresh.close();
        return {
          ok: false,
          rolledBack: true,
          error: `${error}; the running configuration was left unchanged`,
        };
      }
      await procedure.rollback(freshCli, ctx, true);
      return await checkRestored(freshCli, error, () => fresh.close());
    } catch (e) {
      fresh.close();
      return {
        ok: false,
        rolledBack: false,
        error: `${error}; the rollback on a new session failed too: ${message(
          e,
        )}`,
      };
    }
  };

  try {
    onStep?.('reading the running configuration');
    before = await readRunning(cli.cli);
    onStep?.('applying');
    await procedure.apply(cli, options.config, ctx);
  } catch (error) {
    return rollBack(error, 'applying the configuration');
  }

  onStep?.('verifying');
  let check: PushSession | undefined;
  try {
    check = await openSession();
    const running = await readRunning(check.cli);
    const missing = missingLines(running, procedure.keyLines(options.config));
    if (missing.length) throw new VerificationError(missing);
  } catch (error) {
    check?.close();
    const stage = check
      ? 'verifying the configuration'
      : 'logging in again after applying the configuration';
    return rollBack(error, stage);
  }
  check.close();

  try {
    onStep?.('confirming');
    await procedure.confirm(cli, ctx);
  } catch (error) {
    return rollBack(error, 'confirming the configuration');
  }

  // The configuration is in place for good; the account goes last.
  const warnings: string[] = [];
  try {
    onStep?.('removing the bootstrap account');
    await procedure.removeAccount(cli, options.accountRemoval, ctx);
    const running = await readRunning(cli.cli);
    if (hasAccount(running, options.username)) {
      throw new Error(`the account ${options.username} is still configured`);
    }
  } catch (error) {
    main.close();
    if (isSessionLost(error)) {
      // Some devices end the sessions of a removed account. A login that is
      // refused proves the removal.
      const proof = await openSession().then(
        s => {
          s.close();
          return false;
        },
        e => (e as Error).name === 'SshAuthError',
      );
      if (proof) return { ok: true, warnings };
    }
    return {
      ok: false,
      rolledBack: false,
      error: `the final configuration is in place, but removing the bootstrap account ${
        options.username
      } failed: ${message(error)}`,
    };
  }
  try {
    await procedure.cleanup?.(cli, ctx);
  } catch (error) {
    warnings.push(`clean-up after the push failed: ${message(error)}`);
  }
  main.close();
  return { ok: true, warnings };
}
