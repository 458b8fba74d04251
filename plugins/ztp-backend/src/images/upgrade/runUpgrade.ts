import {
  normalizeSoftwareVersion,
  type ZtpUpgradePhase,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type {
  DeviceCli,
  PlatformSoftwareVersion,
  UpgradeImage,
  ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';

/** A CLI session on the device, as the orchestrator opens it. */
export type UpgradeSession = { cli: DeviceCli; close(): void };

export type UpgradeRunOptions = {
  driver: Pick<ZtpPlatformDriver, 'upgrade' | 'readVersion' | 'displayName'>;
  image: UpgradeImage;
  /** The version the device ran before. */
  fromVersion?: string;
  /** Opens a session whose prompt also stops at the given questions. */
  openSession(interactivePrompts?: RegExp): Promise<UpgradeSession>;
  report(phase: ZtpUpgradePhase, note?: string): void;
  longTimeoutMs: number;
  /** Overrides the platform's bound on the reboot. */
  rebootTimeoutMs?: number;
  /** First and longest wait between tries to log in again. */
  pollInitialMs: number;
  pollMaxMs: number;
};

export type UpgradeOutcome =
  | { ok: true; software: PlatformSoftwareVersion }
  | {
      ok: false;
      error: string;
      /** The version the device was last seen running. */
      running?: string;
      /** What the device answered to the failed step. */
      output?: string;
    };

const message = (error: unknown) => (error as Error)?.message ?? String(error);
const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/**
 * One device's upgrade with its platform's procedure: stage (free space,
 * download from the door, checksum on the device), install (which
 * reloads), then log in again with backoff until the device answers with
 * the approved version or the bound on the reboot passes. A failure before
 * the install leaves the device on its image, and the outcome says why.
 */
export async function runUpgrade(
  o: UpgradeRunOptions,
): Promise<UpgradeOutcome> {
  const upgrade = o.driver.upgrade;
  const readVersion = o.driver.readVersion;
  if (!upgrade || !readVersion) {
    return {
      ok: false,
      error: `the ${o.driver.displayName} driver has no upgrade procedure`,
    };
  }
  const target = normalizeSoftwareVersion(o.image.version);
  let session: UpgradeSession;
  try {
    session = await o.openSession(upgrade.interactivePrompts);
  } catch (error) {
    return {
      ok: false,
      error: `could not log in to the device, nothing was changed: ${message(
        error,
      )}`,
    };
  }
  const ctx = {
    cli: session.cli,
    image: o.image,
    report: o.report,
    longTimeoutMs: o.longTimeoutMs,
  };
  let step: string = 'staging';
  try {
    await upgrade.stage(ctx);
    step = 'installing';
    await upgrade.install(ctx);
  } catch (error) {
    session.close();
    const e = error as { step?: string; output?: string };
    return {
      ok: false,
      error: `${e.step ?? step}: ${message(error)}; the device keeps ${
        o.fromVersion ?? 'its image'
      }`,
      running: o.fromVersion,
      output: e.output,
    };
  }
  session.close();

  o.report('rebooting');
  const bound = o.rebootTimeoutMs ?? upgrade.rebootTimeoutMs;
  const deadline = Date.now() + bound;
  let wait = o.pollInitialMs;
  let seen: string | undefined;
  let lastError = 'it did not answer';
  // Logging in too early may reach the old image before the reload: only
  // the approved version, or the bound passing, ends the wait.
  while (Date.now() < deadline) {
    await sleep(Math.min(wait, Math.max(0, deadline - Date.now())));
    wait = Math.min(o.pollMaxMs, Math.round(wait * 1.6));
    let again: UpgradeSession;
    try {
      again = await o.openSession();
    } catch (error) {
      lastError = message(error);
      continue;
    }
    try {
      o.report('reading-version');
      const software = await readVersion(again.cli);
      seen = software.version;
      if (normalizeSoftwareVersion(software.version) === target) {
        return { ok: true, software };
      }
    } catch (error) {
      lastError = message(error);
    } finally {
      again.close();
    }
  }
  return {
    ok: false,
    error: seen
      ? `after the install the device runs ${seen}, not ${
          o.image.version
        } (waited ${Math.round(bound / 1000)} s)`
      : `the device did not come back within ${Math.round(
          bound / 1000,
        )} s of the reload: ${lastError}`,
    running: seen,
  };
}
