import { createHash, type Hash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type {
  DeviceImages,
  ImageDownload,
  StoredImage,
} from '../platforms/types';

/**
 * The header a simulated software image starts with: the platform it is
 * built for, the release it boots, and the SHA-256 of the rest of the
 * file (the payload), which the device checks before it installs it, as a
 * real one checks the image's signature.
 */
const HEADER =
  /^ZTPSIM-IMAGE platform=([\w-]+) version=(\S+) payload-sha256=([0-9a-f]{64})\n/;
const HEADER_MAX = 512;
/** Files up to this size that are not images are also handed back whole. */
const SMALL_FILE = 1 << 20;

/** Builds an image file as the simulated devices accept it (for tests and examples). */
export function simulatedImage(
  platform: string,
  version: string,
  payload: Buffer,
): Buffer {
  const digest = createHash('sha256').update(payload).digest('hex');
  return Buffer.concat([
    Buffer.from(
      `ZTPSIM-IMAGE platform=${platform} version=${version} payload-sha256=${digest}\n`,
    ),
    payload,
  ]);
}

type Stored = StoredImage & {
  header?: { platform: string; version: string; payloadSha256: string };
  payloadSha256?: string;
};

/**
 * A device's flash as far as software images go: files downloaded over
 * HTTP from the device's own address (really, byte by byte, with their
 * checksums computed as they arrive), the free space they take, and the
 * image the next boot runs.
 */
export class ImageFlash implements DeviceImages {
  private readonly files = new Map<string, Stored>();
  private nextBoot: string | undefined;

  constructor(
    private readonly options: {
      platform: string;
      sourceAddress: string;
      /** Free bytes before any image is stored. */
      freeBytes: number;
      totalBytes: number;
      /** Changes one byte of every image download in transit (not of other files). */
      corruptDownloads: boolean;
      /** Refuses URLs the device may not reach (not loopback). */
      checkUrl: (url: string) => void;
      /** The link's pace for image downloads, bytes a second (unbounded). */
      downloadBytesPerSecond?: number;
    },
  ) {}

  freeBytes(): number {
    let used = 0;
    for (const f of this.files.values()) used += f.size;
    return Math.max(0, this.options.freeBytes - used);
  }

  totalBytes(): number {
    return this.options.totalBytes;
  }

  list(): StoredImage[] {
    return [...this.files.values()];
  }

  get(name: string): StoredImage | undefined {
    return this.files.get(name);
  }

  delete(name: string): boolean {
    if (this.nextBoot === name) this.nextBoot = undefined;
    return this.files.delete(name);
  }

  bootImage(): string | undefined {
    return this.nextBoot;
  }

  download(url: string, name: string): Promise<ImageDownload> {
    try {
      this.options.checkUrl(url);
    } catch (error) {
      return Promise.resolve({
        ok: false,
        reason: 'unreachable',
        message: (error as Error).message,
      });
    }
    // Overwriting a file frees its space first.
    this.files.delete(name);
    const free = this.freeBytes();
    const started = Date.now();
    return new Promise(resolve => {
      const req = httpRequest(
        url,
        {
          localAddress: this.options.sourceAddress,
          timeout: 30_000,
          agent: false,
        },
        res => {
          if (res.statusCode !== 200) {
            res.resume();
            resolve({
              ok: false,
              reason: 'http',
              status: res.statusCode,
              message: `the server answered HTTP ${res.statusCode}`,
            });
            return;
          }
          const sha256 = createHash('sha256');
          const md5 = createHash('md5');
          const sha512 = createHash('sha512');
          let payload: Hash | undefined;
          let head = Buffer.alloc(0);
          let header: Stored['header'];
          let bytes = 0;
          const small: Buffer[] = [];
          // Only images are corrupted in transit (a byte of their payload).
          let corrupt = this.options.corruptDownloads;
          const hash = (received: Buffer, payloadFrom: number) => {
            let data = received;
            if (corrupt && header && data.length > payloadFrom) {
              data = Buffer.from(data);
              data[data.length - 1] ^= 0x01;
              corrupt = false;
            }
            sha256.update(data);
            md5.update(data);
            sha512.update(data);
            payload!.update(data.subarray(payloadFrom));
          };
          const feed = (chunk: Buffer) => {
            if (payload) {
              hash(chunk, 0);
              return;
            }
            head = Buffer.concat([head, chunk]);
            const newline = head.indexOf(10);
            if (newline < 0 && head.length < HEADER_MAX) return;
            const m = HEADER.exec(
              head.subarray(0, newline + 1).toString('latin1'),
            );
            if (m) {
              header = { platform: m[1], version: m[2], payloadSha256: m[3] };
            }
            payload = createHash('sha256');
            const data = head;
            head = Buffer.alloc(0);
            hash(data, m ? newline + 1 : 0);
          };
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (bytes > free) {
              // Settled before the socket goes, so "aborted" does not win.
              resolve({
                ok: false,
                reason: 'no-space',
                message: 'No space left on device',
              });
              res.destroy();
              return;
            }
            if (bytes <= SMALL_FILE) small.push(chunk);
            feed(chunk);
            const pace = this.options.downloadBytesPerSecond;
            const ahead = pace
              ? started + (bytes * 1000) / pace - Date.now()
              : 0;
            if (ahead > 0) {
              // A slow link: the server waits for the device's window.
              res.pause();
              setTimeout(() => res.resume(), ahead);
            }
          });
          res.on('end', () => {
            if (bytes > free) return;
            if (!payload) {
              payload = createHash('sha256');
              hash(head, 0);
            }
            this.files.set(name, {
              name,
              size: bytes,
              sha256: sha256.digest('hex'),
              md5: md5.digest('hex'),
              sha512: sha512.digest('hex'),
              header,
              payloadSha256: payload.digest('hex'),
            });
            resolve({
              ok: true,
              bytes,
              seconds: Math.max(0.001, (Date.now() - started) / 1000),
              ...(!header && bytes <= SMALL_FILE
                ? { body: Buffer.concat(small) }
                : {}),
            });
          });
          res.on('error', error =>
            resolve({ ok: false, reason: 'http', message: error.message }),
          );
          res.on('aborted', () =>
            resolve({
              ok: false,
              reason: 'http',
              message: 'the connection was closed before the end',
            }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', error =>
        resolve({ ok: false, reason: 'unreachable', message: error.message }),
      );
      req.end();
    });
  }

  /**
   * Makes an image the next boot, after the checks the real installer
   * makes: an image of this platform, whose payload is intact.
   */
  setBoot(
    name: string,
  ): { ok: true; version: string } | { ok: false; error: string } {
    const file = this.files.get(name);
    if (!file) return { ok: false, error: `${name}: no such file` };
    if (!file.header) {
      return { ok: false, error: `${name} is not a valid software image` };
    }
    if (file.header.platform !== this.options.platform) {
      return {
        ok: false,
        error: `${name} is an image for ${file.header.platform}, not this platform`,
      };
    }
    if (file.payloadSha256 !== file.header.payloadSha256) {
      return {
        ok: false,
        error: `${name} failed the image signature check (the file is corrupted)`,
      };
    }
    this.nextBoot = name;
    return { ok: true, version: file.header.version };
  }

  /** The release the staged image boots, taken at a reboot. */
  bootVersion(): string | undefined {
    const file = this.nextBoot ? this.files.get(this.nextBoot) : undefined;
    return file?.header?.version;
  }
}
