import { once } from 'node:events';
import fs from 'node:fs';
import { STATUS_CODES } from 'node:http';
import type net from 'node:net';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ServableImage } from '../images/ImageCatalog';
import type { DeviceIndex, DoorIdentity } from './DeviceIndex';
import { parseRange } from './imageRange';
import { fileSource, ImageChunkCache } from './imageChunkCache';
import { sendFileRange } from './imageSender';
import type { RequestHead } from './requestHead';

const ROUTE = /^\/ztp\/images\/(?:by-hostname\/([^/?]+)\/)?([^/?]+)(?:\?.*)?$/;

/** One download, as it goes into the device's timeline. */
export type ImageDownloadRecord = {
  entityRef: string;
  sourceIp: string;
  file: string;
  version: string;
  /** Bytes the device received of this response. */
  bytes: number;
  /** Bytes this response was to carry (the range's length). */
  expectedBytes: number;
  /** First byte sent (a resumed download starts past 0). */
  offset: number;
  durationMs: number;
  outcome: 'complete' | 'interrupted';
};

/**
 * How far a download is, reported while it runs (at most once per
 * progress interval per download) so that an upgrade can show its share.
 */
export type ImageDownloadProgress = {
  entityRef: string;
  file: string;
  /** Bytes of the image the device has: the resumed offset plus those sent. */
  bytes: number;
  /** The whole image's size. */
  size: number;
};

export type ImageDownloadLimits = {
  maxConcurrent: number;
  maxPerImage: number;
  retryAfterSeconds: number;
};

type RunningDownload = {
  entityRef: string;
  file: string;
  offset: number;
  size: number;
  sent: number;
  reported: number;
};

type Plain = { status: number; body: string; headers?: Record<string, string> };

/**
 * The door's image route, GET/HEAD /ztp/images/<file>: approved and verified
 * images only, streamed from disk in the socket's pace (never read whole),
 * with byte ranges so that a device resumes an interrupted download, the
 * checksums in the headers so that it can verify what it got, and bounds
 * on downloads at once, per image and overall, since a few hundred devices
 * pulling a large image at once would otherwise starve the door's other
 * answers. A device is recognised by its source address (its management
 * address) or by the hostname in the path.
 */
export class ImageDownloads {
  private images = new Map<string, ServableImage>();
  private active = 0;
  private readonly chunks = new ImageChunkCache();
  private readonly activePerImage = new Map<string, number>();

  constructor(
    private readonly options: {
      index: DeviceIndex<DoorIdentity>;
      isAllowed(ip: string): boolean;
      limits: ImageDownloadLimits;
      logger: LoggerService;
      record(download: ImageDownloadRecord): void;
      /** A download whose device reads nothing for this long is cut (60 s). */
      idleTimeoutMs?: number;
      /** Downloads of known devices that moved since the last report. */
      onProgress?(downloads: ImageDownloadProgress[]): void;
      /** How often progress is reported (1 s). */
      progressIntervalMs?: number;
    },
  ) {}

  /** Running downloads of known devices, with the bytes sent so far. */
  private readonly running = new Set<RunningDownload>();
  private progressTimer?: NodeJS.Timeout;

  /**
   * One timer for every download instead of work per chunk: each tick
   * reports the downloads that moved, in one call (one message from the
   * door's thread).
   */
  private reportProgress() {
    const moved: ImageDownloadProgress[] = [];
    for (const d of this.running) {
      if (d.sent === d.reported) continue;
      d.reported = d.sent;
      moved.push({
        entityRef: d.entityRef,
        file: d.file,
        bytes: d.offset + d.sent,
        size: d.size,
      });
    }
    if (moved.length) this.options.onProgress?.(moved);
  }

  private track(entry: RunningDownload) {
    this.running.add(entry);
    this.progressTimer ??= setInterval(
      () => this.reportProgress(),
      this.options.progressIntervalMs ?? 1000,
    );
    this.progressTimer.unref?.();
    return () => {
      this.running.delete(entry);
      if (!this.running.size && this.progressTimer) {
        clearInterval(this.progressTimer);
        this.progressTimer = undefined;
      }
    };
  }

  setImages(images: ServableImage[]) {
    this.images = new Map(images.map(i => [i.file, i]));
  }

  matches(url: string): boolean {
    return url.startsWith('/ztp/images/');
  }

  /** Downloads under way (for tests and the benchmark). */
  get inProgress(): number {
    return this.active;
  }

  /**
   * Answers one request on its socket; `replyPlain` writes a short answer
   * the door's way, `answered` is called once the socket is done with.
   */
  serve(
    socket: net.Socket,
    request: RequestHead,
    sourceIp: string,
    replyPlain: (response: Plain) => void,
    answered: () => void,
  ) {
    this.start(socket, request, sourceIp, replyPlain, answered).catch(error => {
      this.options.logger.error(`Image download failed: ${error}`);
      if (!socket.destroyed) socket.destroy();
    });
  }

  private async start(
    socket: net.Socket,
    request: RequestHead,
    sourceIp: string,
    replyPlain: (response: Plain) => void,
    answered: () => void,
  ) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      replyPlain({
        status: 405,
        body: 'method not allowed\n',
        headers: { allow: 'GET, HEAD' },
      });
      return;
    }
    if (!this.options.isAllowed(sourceIp)) {
      replyPlain({
        status: 403,
        body: 'forbidden: this address may not fetch images\n',
      });
      return;
    }
    const match = ROUTE.exec(request.url);
    let name: string | undefined;
    let hostname: string | undefined;
    try {
      name = match ? decodeURIComponent(match[2]) : undefined;
      hostname = match?.[1] ? decodeURIComponent(match[1]) : undefined;
    } catch {
      name = undefined;
    }
    const image = name === undefined ? undefined : this.images.get(name);
    if (!image) {
      replyPlain({
        status: 404,
        body: 'no approved and verified image of that name\n',
      });
      return;
    }
    const size = image.size;
    const etag = `"sha256-${image.sha256}"`;
    let range = parseRange(request.headers.range as string | undefined, size);
    const ifRange = request.headers['if-range'] as string | undefined;
    // A validator that is not this image's ETag: the device's partial copy
    // is of another file, so it gets the whole image (RFC 9110 13.1.5).
    if (range && ifRange !== undefined && ifRange !== etag) range = undefined;
    if (range === 'unsatisfiable') {
      replyPlain({
        status: 416,
        body: `range not satisfiable: the image has ${size} bytes\n`,
        headers: { 'content-range': `bytes */${size}`, etag },
      });
      return;
    }
    const perImage = this.activePerImage.get(image.file) ?? 0;
    if (
      this.active >= this.options.limits.maxConcurrent ||
      perImage >= this.options.limits.maxPerImage
    ) {
      replyPlain({
        status: 503,
        body: `busy: ${
          this.active >= this.options.limits.maxConcurrent
            ? `${this.active} image downloads are under way`
            : `${perImage} downloads of ${image.file} are under way`
        }; retry later\n`,
        headers: {
          'retry-after': String(this.options.limits.retryAfterSeconds),
        },
      });
      return;
    }

    // Counted before the first await so that simultaneous requests see it.
    this.active++;
    this.activePerImage.set(image.file, perImage + 1);
    const release = () => {
      this.active--;
      const left = (this.activePerImage.get(image.file) ?? 1) - 1;
      if (left) this.activePerImage.set(image.file, left);
      else this.activePerImage.delete(image.file);
    };

    let fd: fs.promises.FileHandle | undefined;
    try {
      fd = await fs.promises.open(image.path, 'r');
      const stat = await fd.stat();
      if (
        stat.size !== size ||
        stat.mtimeMs !== image.mtimeMs ||
        stat.ino !== image.ino
      ) {
        // Replaced or rewritten since it was verified: not served until
        // the next scan has verified it again.
        await fd.close();
        release();
        replyPlain({
          status: 503,
          body: `${image.file} changed since it was verified; retry after it is verified again\n`,
          headers: {
            'retry-after': String(this.options.limits.retryAfterSeconds),
          },
        });
        return;
      }
    } catch (error) {
      await fd?.close().catch(() => {});
      release();
      this.options.logger.error(`Could not open image ${image.path}: ${error}`);
      replyPlain({ status: 503, body: 'image unavailable; retry later\n' });
      return;
    }

    const { start, end } = range ?? { start: 0, end: size - 1 };
    const length = size === 0 ? 0 : end - start + 1;
    const status = range ? 206 : 200;
    const headers: Record<string, string> = {
      date: new Date().toUTCString(),
      'content-type': 'application/octet-stream',
      'content-length': String(length),
      'accept-ranges': 'bytes',
      etag,
      'last-modified': new Date(image.mtimeMs).toUTCString(),
      // The whole image's digests, whatever range is sent: the device checks
      // the file it assembled.
      'repr-digest': `sha-256=:${Buffer.from(image.sha256, 'hex').toString(
        'base64',
      )}:`,
      'x-checksum-sha256': image.sha256,
      ...(image.md5 && { 'x-checksum-md5': image.md5 }),
      ...(range && { 'content-range': `bytes ${start}-${end}/${size}` }),
      'cache-control': 'no-store',
      connection: 'close',
    };
    let head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n`;
    for (const [key, value] of Object.entries(headers)) {
      head += `${key}: ${value}\r\n`;
    }
    head += '\r\n';
    if (socket.destroyed) {
      // The device went away while the file was opened: its 'close' has
      // been emitted already, so nothing below would release the slot.
      await fd.close();
      release();
      return;
    }
    socket.write(head, 'latin1');
    if (request.method === 'HEAD' || length === 0) {
      await fd.close();
      release();
      socket.end();
      answered();
      return;
    }

    const device = hostname
      ? this.options.index.findByHostname(hostname)
      : this.options.index.findByIp(sourceIp);
    const began = Date.now();
    const progress: RunningDownload = {
      entityRef: device?.entityRef ?? '',
      file: image.file,
      offset: start,
      size,
      sent: 0,
      reported: 0,
    };
    const untrack =
      device && this.options.onProgress ? this.track(progress) : () => {};
    let failed = false;
    const file = fd;
    // Each chunk is written once the last one has left, so a download holds
    // at most two chunks of the shared cache, whatever the image's size.
    const sending = sendFileRange({
      // Downloads of the same verified file share the chunks they read.
      source: fileSource(
        file.fd,
        `${image.path}:${image.ino}:${image.mtimeMs}:${size}`,
        size,
      ),
      socket,
      start,
      length,
      chunks: this.chunks,
      sent: bytes => {
        progress.sent += bytes;
      },
    }).then(
      all => {
        if (all) socket.end();
      },
      error => {
        failed = true;
        this.options.logger.error(`Reading image ${image.path}: ${error}`);
        socket.destroy();
      },
    );
    // The descriptor is closed only after its last read has returned.
    void sending.finally(() => file.close().catch(() => {}));
    // A device that stops reading holds a download slot until this passes.
    socket.setTimeout(this.options.idleTimeoutMs ?? 60_000, () =>
      socket.destroy(),
    );
    // Done once all of it is handed to the kernel ('finish') or the
    // connection is gone ('close'), whichever comes first.
    const finished = await Promise.race([
      once(socket, 'finish').then(() => true),
      once(socket, 'close').then(() => false),
    ]).catch(() => false);
    socket.setTimeout(0);
    if (!finished && !socket.destroyed) socket.destroy();
    untrack();
    release();
    answered();
    // The socket's own buffer is not the device's: bytesWritten counts what
    // left, less what the kernel still held when a connection was cut.
    const bytes = Math.min(
      progress.sent,
      Math.max(0, socket.bytesWritten - head.length),
    );
    const complete = finished && !failed && bytes === length;
    if (device) {
      this.options.record({
        entityRef: device.entityRef,
        sourceIp,
        file: image.file,
        version: image.version,
        bytes,
        expectedBytes: length,
        offset: start,
        durationMs: Date.now() - began,
        outcome: complete ? 'complete' : 'interrupted',
      });
    }
  }
}
