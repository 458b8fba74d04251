import type { DeviceCli } from './cli';

/** The approved image a device is upgraded to, as its procedure sees it. @public */
export type UpgradeImage = {
  /** The file name, kept on the device's flash under the same name. */
  file: string;
  /** Where the device downloads it: the device door's /ztp/images/<file>. */
  url: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
  /** Lower-case hex, when the catalog gives one (IOS XE verifies MD5). */
  md5?: string;
  /** The version the device runs once the image boots. */
  version: string;
};

/**
 * Where an upgrade is: checking the free space, downloading (with the
 * share of the image the door has sent, when known), verifying the
 * checksum on the device, installing, rebooting, reading the version back.
 * @public
 */
export type UpgradePhase =
  | 'checking-space'
  | 'downloading'
  | 'verifying'
  | 'installing'
  | 'rebooting'
  | 'reading-version';

/** What a procedure is given for one device. @public */
export type UpgradeStepContext = {
  /** A session whose prompt pattern also stops at the procedure's questions. */
  cli: DeviceCli;
  image: UpgradeImage;
  /** Says which phase starts (shown on the dashboard and in the timeline). */
  report(phase: UpgradePhase, note?: string): void;
  /** Timeout of a long command: the download, the checksum, the install. */
  longTimeoutMs: number;
};

/**
 * A step of an upgrade the device refused or failed. The device still runs
 * its old image: `step` says where it stopped, `output` what it answered.
 * @public
 */
export class UpgradeStepError extends Error {
  readonly step: UpgradePhase;
  readonly output: string;
  constructor(step: UpgradePhase, message: string, output = '') {
    super(message);
    this.name = 'UpgradeStepError';
    this.step = step;
    this.output = output;
  }
}

/**
 * A platform's software upgrade, with its own commands. The backend opens
 * the session, calls stage then install, waits for the device to come back
 * (within rebootTimeoutMs) and reads its version again with readVersion.
 * @public
 */
export interface PlatformUpgrade {
  /**
   * Questions the procedure's commands ask and answer themselves (IOS XE
   * "Destination filename [x]?"), so that a command's output stops there.
   */
  readonly interactivePrompts?: RegExp;
  /** How long the device may take from the reload to SSH answering again. */
  readonly rebootTimeoutMs: number;
  /**
   * Checks the free space, downloads the image from the door and verifies
   * its checksum on the device. Throws UpgradeStepError when a check fails;
   * nothing that decides the next boot is touched.
   */
  stage(ctx: UpgradeStepContext): Promise<void>;
  /**
   * Makes the staged image the next boot and reloads. Resolves once the
   * reload has started (the session may be cut); throws UpgradeStepError
   * when the device refuses the image, which leaves it on the old one.
   */
  install(ctx: UpgradeStepContext): Promise<void>;
}

/**
 * Whether a command's error means the device cut the session (its reload
 * started) rather than refusing the command. @public
 */
export function isSessionCut(error: unknown): boolean {
  const e = error as { name?: string; message?: string };
  return (
    e?.name === 'SshProtocolError' &&
    /closed|ended|reset|EOF/i.test(e.message ?? '')
  );
}

/** Throws UpgradeStepError when the device has less room than the image. @public */
export function requireFreeSpace(
  free: number | undefined,
  image: UpgradeImage,
  where: string,
  output: string,
): void {
  if (free === undefined) {
    throw new UpgradeStepError(
      'checking-space',
      `the free space of ${where} could not be read from the device's answer`,
      output,
    );
  }
  if (free < image.size) {
    throw new UpgradeStepError(
      'checking-space',
      `${where} has ${free} bytes free, ${image.file} needs ${image.size}: free some space on the device first`,
      output,
    );
  }
}

/** The first line of output that says what went wrong, for messages. @public */
export function firstErrorLine(output: string, pattern: RegExp): string {
  return (
    output
      .split(/\r?\n/)
      .map(l => l.trim())
      .find(l => pattern.test(l)) ??
    output.trim().split(/\r?\n/).pop() ??
    ''
  );
}
