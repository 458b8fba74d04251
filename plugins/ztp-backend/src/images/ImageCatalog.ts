import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  approvedImageFor,
  imageCompliance,
  type ZtpApprovedImage,
  type ZtpImageCompliance,
} from '@ztp-portal/backstage-plugin-ztp-common';
import {
  compareWithApproved,
  digestsOf,
  type ImageFileState,
} from './imageVerification';
import type { ImageSpec } from './settings';
import { verifyImageUrl } from './verifyImageUrl';

/** A verified image as the door serves it. */
export type ServableImage = ImageSpec & {
  path: string;
  /** The file's identity when it was verified: a file changed since is not served. */
  mtimeMs: number;
  ino: number;
};

/**
 * The approved images of ztp.images and whether each file in the images
 * directory is what the operator declared: its size, SHA-256 and, when
 * given, MD5 are verified when the file appears or changes, and a file that
 * does not match is refused (never served) with what is wrong.
 */
export class ImageCatalog {
  private readonly states = new Map<string, ImageFileState>();
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
    before: ImageFileState | undefined,
  ): Promise<ImageFileState> {
    if (spec.url !== undefined) {
      return verifyImageUrl({ ...spec, url: spec.url }, before);
    }
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
      actual = await digestsOf(
        createReadStream(file, { highWaterMark: 1 << 20 }),
        spec.md5 !== undefined,
      );
    } catch (error) {
      return {
        status: 'unreadable',
        problem: `${spec.file} could not be read: ${error}`,
        identity,
      };
    }
    const state = compareWithApproved(spec, actual, identity);
    return state.status === 'verified'
      ? { ...state, mtimeMs: stat.mtimeMs, ino: stat.ino }
      : state;
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

  /**
   * The verified images devices may be sent to: from the door or from
   * their own URL.
   */
  available(): ImageSpec[] {
    return this.options.approved.filter(
      spec => this.states.get(spec.file)?.status === 'verified',
    );
  }

  /** The images whose file was verified in the directory, for the door. */
  servable(): ServableImage[] {
    return this.options.approved.flatMap(spec => {
      const state = this.states.get(spec.file);
      if (state?.status !== 'verified' || spec.url !== undefined) return [];
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
