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
