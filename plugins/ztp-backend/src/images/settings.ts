import type { Config } from '@backstage/config';
import path from 'node:path';

/** One approved image as the operator declares it under ztp.images.approved. */
export type ImageSpec = {
  platform: string;
  /** Model prefix (C9300 covers C9300-48P); empty: every model of the platform. */
  modelFamily: string;
  version: string;
  /** File name inside the images directory. */
  file: string;
  size: number;
  /** Lower-case hex. */
  sha256: string;
  md5?: string;
  /**
   * Where devices download it instead of the door (an HTTP server near
   * them); the backend downloads it once to verify it.
   */
  url?: string;
};

/** The image settings (ztp.images, see config.d.ts) with their defaults. */
export type ImageSettings = {
  /** Absolute; undefined when no images are configured. */
  directory?: string;
  approved: ImageSpec[];
  /** How often the directory is looked at again for changed files. */
  rescanSeconds: number;
  downloads: {
    /** Downloads of all images at once. */
    maxConcurrent: number;
    /** Downloads of one image at once. */
    maxPerImage: number;
    /** Retry-After of a download refused for the bounds. */
    retryAfterSeconds: number;
  };
};

function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !!u.host;
  } catch {
    return false;
  }
}

const SHA256 = /^[0-9a-f]{64}$/;
const MD5 = /^[0-9a-f]{32}$/;

/**
 * Reads ztp.images, refusing at startup what cannot be right (a file name
 * with a directory in it, a checksum that is not one, two approved versions
 * for one platform and model family) with the key that is wrong.
 */
export function readImageSettings(root: Config): ImageSettings {
  const c = root.getOptionalConfig('ztp.images');
  const directory = c?.getOptionalString('directory');
  const approved: ImageSpec[] = [];
  const seen = new Set<string>();
  (c?.getOptionalConfigArray('approved') ?? []).forEach((entry, i) => {
    const where = `ztp.images.approved[${i}]`;
    const file = entry.getString('file');
    if (!file || file !== path.basename(file) || file.startsWith('.')) {
      throw new Error(
        `${where}.file "${file}" must be a plain file name inside ztp.images.directory`,
      );
    }
    const sha256 = entry.getString('sha256').toLowerCase();
    if (!SHA256.test(sha256)) {
      throw new Error(`${where}.sha256 must be 64 hexadecimal digits`);
    }
    const md5 = entry.getOptionalString('md5')?.toLowerCase();
    if (md5 !== undefined && !MD5.test(md5)) {
      throw new Error(`${where}.md5 must be 32 hexadecimal digits`);
    }
    const size = entry.getNumber('size');
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new Error(`${where}.size must be a number of bytes`);
    }
    const url = entry.getOptionalString('url');
    if (url !== undefined && !isHttpUrl(url)) {
      throw new Error(
        `${where}.url "${url}" must be an http:// or https:// URL the devices can reach`,
      );
    }
    const spec: ImageSpec = {
      platform: entry.getString('platform'),
      modelFamily: entry.getOptionalString('modelFamily') ?? '',
      version: entry.getString('version'),
      file,
      size,
      sha256,
      md5,
      ...(url !== undefined && { url }),
    };
    const key = `${spec.platform}\u0000${spec.modelFamily.toUpperCase()}`;
    if (seen.has(key)) {
      throw new Error(
        `${where}: ${spec.platform}${
          spec.modelFamily ? ` ${spec.modelFamily}` : ''
        } already has an approved image; approve one version per platform and model family`,
      );
    }
    seen.add(key);
    approved.push(spec);
  });
  if (approved.some(a => a.url === undefined) && !directory) {
    throw new Error(
      'ztp.images.directory is required when ztp.images.approved lists images without a url',
    );
  }
  return {
    directory: directory ? path.resolve(directory) : undefined,
    approved,
    rescanSeconds: c?.getOptionalNumber('rescanSeconds') ?? 60,
    downloads: {
      maxConcurrent: c?.getOptionalNumber('downloads.maxConcurrent') ?? 256,
      maxPerImage: c?.getOptionalNumber('downloads.maxPerImage') ?? 256,
      retryAfterSeconds:
        c?.getOptionalNumber('downloads.retryAfterSeconds') ?? 10,
    },
  };
}
