import { createHash } from 'node:crypto';
import type { ZtpImageFileStatus } from '@ztp-portal/backstage-plugin-ztp-common';
import type { ImageSpec } from './settings';

/** What the catalog knows of one approved image's bytes. */
export type ImageFileState = {
  status: ZtpImageFileStatus;
  problem?: string;
  verifiedAt?: Date;
  /** What the bytes were verified as (size, mtime, inode; or size, ETag, Last-Modified). */
  identity?: string;
  mtimeMs?: number;
  ino?: number;
};

/** Hashes a stream of the image's bytes (SHA-256, and MD5 when approved with one). */
export async function digestsOf(
  chunks: AsyncIterable<Uint8Array>,
  withMd5: boolean,
): Promise<{ bytes: number; sha256: string; md5?: string }> {
  const sha256 = createHash('sha256');
  const md5 = withMd5 ? createHash('md5') : undefined;
  let bytes = 0;
  for await (const chunk of chunks) {
    bytes += chunk.length;
    sha256.update(chunk);
    md5?.update(chunk);
  }
  return { bytes, sha256: sha256.digest('hex'), md5: md5?.digest('hex') };
}

/**
 * The state of bytes hashed against the approved image: verified, or
 * refused with what differs, in the operator's words.
 */
export function compareWithApproved(
  spec: ImageSpec,
  actual: { bytes: number; sha256: string; md5?: string },
  identity: string,
): ImageFileState {
  if (actual.bytes !== spec.size) {
    return {
      status: 'size-mismatch',
      problem: `${spec.file} has ${actual.bytes} bytes, the approved image ${spec.size}`,
      identity,
    };
  }
  if (actual.sha256 !== spec.sha256) {
    return {
      status: 'checksum-mismatch',
      problem: `${spec.file} has SHA-256 ${actual.sha256}, the approved image ${spec.sha256}`,
      identity,
    };
  }
  if (spec.md5 !== undefined && actual.md5 !== spec.md5) {
    return {
      status: 'checksum-mismatch',
      problem: `${spec.file} has MD5 ${actual.md5}, the approved image ${spec.md5}`,
      identity,
    };
  }
  return { status: 'verified', verifiedAt: new Date(), identity };
}
