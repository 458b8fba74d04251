import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  approvedImageFor,
  imageCompliance,
  type ZtpApprovedImage,
  type ZtpImageCompliance,
  type ZtpImageFileStatus,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { ImageSpec } from './settings';

/** A verified image as the door serves it. */
export type ServableImage = ImageSpec & {
  path: string;
  /** The file's identity when it was verified: a file changed since is not served. */
  mtimeMs: number;
  ino: number;
};

type FileState = {
  status: ZtpImageFileStatus;
  problem?: string;
  verifiedAt?: Date;
  /** size, mtime and inode of the file as last verified. */
  identity?: string;
  mtimeMs?: number;
  ino?: number;
};

async function digests(file: string, withMd5: boolean) {
  const sha256 = createHash('sha256');
  const md5 = withMd5 ? createHash('md5') : undefined;
  for await (const chunk of createReadStream(file, {
    highWaterMark: 1 << 20,
  })) {
    sha256.update(chunk as Buffer);
    md5?.update(chunk as Buffer);
  }
  return { sha256: sha256.digest('hex'), md5: md5?.digest('hex') };
}

/**
 * The approved images of ztp.images and whether each file in the images
 * directory is what the operator declared: its size, SHA-256 and, when
 * given, MD5 are verified when the file appears or changes, and a file that
 * does not match is refused (never served) with what is wrong.
 */
export class ImageCatalog {
  private readonly states = new Map<string, FileState>();
  private scanning?: Promise<void>;

  constructor(
    private readonly options: {
      directory?: string;
      approved: ImageSpec[];
      logger: LoggerService;
      /** The verified images changed (one was added, refused or changed). */
      onChanged?: (servable: ServableImage[]) => void;
    },
  ) {}

  /** Looks at every file again; a file unchanged since verified is not re-hashed. */
  scan(): Promise<void> {
    // Scans run one at a time; a scan asked for meanwhile runs after it.
    const next = (this.scanning ?? Promise.resolve()).then(() =>
      this.scanOnce(),
    );
    this.scanning = next.finally(() => {
      if (this.scanning === next) this.scanning = undefined;
    });
    return next;
  }

  private async scanOnce() {
    let changed = false;
    for (const spec of this.options.approved) {
      const before = this.states.get(spec.file);
      const after = await this.verify(spec, before);
      if (
        before?.status !== after.status ||
        before?.identity !== after.identity
      ) {
        changed = true;
        if (after.status === 'verified') {
          this.options.logger.info(
            `Image ${spec.file} (${spec.platform} ${spec.version}) verified: SHA-256 ${spec.sha256}`,
          );
        } else {
          this.options.logger.warn(
            `Image ${spec.file} refused: ${after.problem}`,
          );
        }
      }
      this.states.set(spec.file, after);
    }
    if (changed) this.options.onChanged?.(this.servable());
  }

  private async verify(
    spec: ImageSpec,
    before: FileState | undefined,
  ): Promise<FileState> {
    const file = path.join(this.options.directory ?? '', spec.file);
    let stat;
    try {
      stat = await fs.stat(file);
    } catch {
      return {
        status: 'missing',
        problem: `${spec.file} is not in ${this.options.directory}`,
      };
    }
    const identity = `${stat.size}/${stat.mtimeMs}/${stat.ino}`;
    if (before?.identity === identity) return before;
    if (!stat.isFile()) {
      return {
        status: 'unreadable',
        problem: `${spec.file} is not a regular file`,
        identity,
      };
    }
    if (stat.size !== spec.size) {
      return {
        status: 'size-mismatch',
        problem: `${spec.file} has ${stat.size} bytes, the approved image ${spec.size}`,
        identity,
      };
    }
    let actual;
    try {
      actual = await digests(file, spec.md5 !== undefined);
    } catch (error) {
      return {
        status: 'unreadable',
        problem: `${spec.file} could not be read: ${error}`,
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
    return {
      status: 'verified',
      verifiedAt: new Date(),
      identity,
      mtimeMs: stat.mtimeMs,
      ino: stat.ino,
    };
  }

  /** Every approved image with the state of its file (GET /images). */
  list(): ZtpApprovedImage[] {
    return this.options.approved.map(spec => {
      const state = this.states.get(spec.file);
      return {
        ...spec,
        status: state?.status ?? 'missing',
        problem: state ? state.problem : 'not verified yet',
        verifiedAt: state?.verifiedAt?.toISOString(),
      };
    });
  }

  /** The images whose file was verified, for the door. */
  servable(): ServableImage[] {
    return this.options.approved.flatMap(spec => {
      const state = this.states.get(spec.file);
      if (state?.status !== 'verified') return [];
      return [
        {
          ...spec,
          path: path.join(this.options.directory ?? '', spec.file),
          mtimeMs: state.mtimeMs!,
          ino: state.ino!,
        },
      ];
    });
  }

  /** The approved image of a platform for a model (see approvedImageFor). */
  approvedFor(platform: string, model?: string): ImageSpec | undefined {
    return approvedImageFor(this.options.approved, platform, model);
  }

  /** Whether a device runs its approved image. */
  compliance(device: {
    platform: string;
    runningVersion?: string;
    deviceModel?: string;
  }): ZtpImageCompliance {
    return imageCompliance(device, this.options.approved);
  }
}
