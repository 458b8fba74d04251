/**
 * Whether an approved image file in ztp.images.directory is the file the
 * catalog describes: only a verified file is ever served to devices.
 * @public
 */
export type ZtpImageFileStatus =
  | 'verified'
  | 'missing'
  | 'size-mismatch'
  | 'checksum-mismatch'
  | 'unreadable';

/** One approved image, as GET /images lists it. @public */
export type ZtpApprovedImage = {
  platform: string;
  /** Model prefix the image is approved for (e.g. C9300); empty: every model. */
  modelFamily: string;
  version: string;
  file: string;
  size: number;
  sha256: string;
  md5?: string;
  /** Where devices download it, when not from the portal's door. */
  url?: string;
  status: ZtpImageFileStatus;
  /** What is wrong, in the operator's words, when not verified. */
  problem?: string;
  verifiedAt?: string;
};

/**
 * A device's image compliance, from its running version (read over SSH with
 * the serial check) and the approved image of its platform and model.
 * @public
 */
export type ZtpImageCompliance =
  /** No version read yet, or no image approved for it. */
  | { state: 'unknown'; running?: string; reason: string }
  | { state: 'compliant'; running: string; approved: string }
  | { state: 'upgrade-needed'; running: string; approved: string };

/** The state of a {@link ZtpImageCompliance}, as GET /devices filters on it. @public */
export type ZtpImageState = ZtpImageCompliance['state'];

/** Every {@link ZtpImageState}, in the order the filter offers them. @public */
export const ZTP_IMAGE_STATES: readonly ZtpImageState[] = [
  'compliant',
  'upgrade-needed',
  'unknown',
];

/** What compliance needs of an approved image. @public */
export type ZtpImageApproval = {
  platform: string;
  modelFamily: string;
  version: string;
};

/**
 * The approved image of a platform for a model: the longest model family
 * the model starts with (C9300X before C9300), else the platform's image
 * without a family. @public
 */
export function approvedImageFor<T extends ZtpImageApproval>(
  approved: readonly T[],
  platform: string,
  model?: string,
): T | undefined {
  const upper = model?.toUpperCase() ?? '';
  let best: T | undefined;
  for (const image of approved) {
    if (image.platform !== platform) continue;
    const family = image.modelFamily.toUpperCase();
    if (family && !upper.startsWith(family)) continue;
    if (!best || family.length > best.modelFamily.length) best = image;
  }
  return best;
}

/**
 * A version as compared: case and leading zeros of numeric parts aside
 * (IOS XE prints 17.09.04a where its files say 17.9.4a). @public
 */
export function normalizeSoftwareVersion(version: string): string {
  return version
    .trim()
    .toLowerCase()
    .replace(/(^|[.(])0+(?=\d)/g, '$1');
}

/** A device's image compliance (see {@link ZtpImageCompliance}). @public */
export function imageCompliance(
  device: { platform: string; runningVersion?: string; deviceModel?: string },
  approved: readonly ZtpImageApproval[],
): ZtpImageCompliance {
  const running = device.runningVersion;
  const image = approvedImageFor(approved, device.platform, device.deviceModel);
  if (!running) {
    return {
      state: 'unknown',
      reason:
        'the running version has not been read yet (Check Serial reads it)',
    };
  }
  if (!image) {
    return {
      state: 'unknown',
      running,
      reason: `no image is approved for ${device.platform}${
        device.deviceModel ? ` ${device.deviceModel}` : ''
      } in ztp.images`,
    };
  }
  return normalizeSoftwareVersion(running) ===
    normalizeSoftwareVersion(image.version)
    ? { state: 'compliant', running, approved: image.version }
    : { state: 'upgrade-needed', running, approved: image.version };
}

/** Where a running upgrade is (see the device's timeline for each step). @public */
export type ZtpUpgradePhase =
  | 'queued'
  | 'checking-space'
  | 'downloading'
  | 'verifying'
  | 'installing'
  | 'rebooting'
  | 'reading-version';

/**
 * A device's last software upgrade: running (with its phase), done (the
 * device reported the approved version after its reboot) or failed (why;
 * the device keeps its old image). @public
 */
export type ZtpImageUpgrade = {
  entityRef: string;
  state: 'upgrading' | 'compliant' | 'failed';
  phase?: ZtpUpgradePhase;
  /** Share of the image downloaded, while downloading and known. */
  percent?: number;
  fromVersion?: string;
  targetVersion: string;
  file: string;
  error?: string;
  actor: string;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
};

/** How the Image column words an upgrade's progress. @public */
export function describeUpgrade(upgrade: ZtpImageUpgrade): string {
  if (upgrade.state === 'failed')
    return `Failed: ${upgrade.error ?? ''}`.trim();
  if (upgrade.state === 'compliant')
    return `Upgraded to ${upgrade.targetVersion}`;
  const phase = upgrade.phase ?? 'queued';
  if (phase === 'downloading') {
    return upgrade.percent !== undefined
      ? `Upgrading: downloading ${upgrade.percent} %`
      : 'Upgrading: downloading';
  }
  return `Upgrading: ${phase.replace('-', ' ')}`;
}
