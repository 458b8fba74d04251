import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import type { DeviceRecord } from '../database/types';
import type { FetchStore } from '../database/FetchStore';
import type { UnknownDeviceStore } from '../database/UnknownDeviceStore';
import { ImageCatalog } from '../images/ImageCatalog';
import type { ImageSpec } from '../images/settings';
import { DeviceIndex } from './DeviceIndex';
import { DeviceRequestHandler } from './DeviceRequestHandler';
import { FetchRecorder } from './FetchRecorder';
import {
  ImageDownloads,
  type ImageDownloadLimits,
  type ImageDownloadProgress,
  type ImageDownloadRecord,
} from './ImageDownloads';
import { DoorHttpServer } from './DoorHttpServer';
import { UnknownDeviceCounter } from './UnknownDeviceCounter';

const device = {
  entityRef: 'resource:default/leaf-01',
  hostname: 'leaf-01',
  managementIp: '127.0.10.21',
  expectedSerial: 'FDO23210001',
  confMinState: 'not-loaded',
  serialState: 'not-checked',
} as DeviceRecord;

const sha256 = (data: Buffer) =>
  createHash('sha256').update(data).digest('hex');

type Reply = {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
};

/** GETs (or HEADs) from the device's own address and reads the whole answer. */
function get(
  port: number,
  urlPath: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method,
        headers,
        localAddress: device.managementIp,
        agent: false,
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Starts a download and leaves it unread: it holds its slot. */
function stalled(port: number, urlPath: string) {
  return new Promise<{ status: number; close: () => void }>(
    (resolve, reject) => {
      const req = http.get(
        { host: '127.0.0.1', port, path: urlPath, agent: false },
        res => {
          res.pause();
          resolve({ status: res.statusCode!, close: () => req.destroy() });
        },
      );
      req.on('error', reject);
    },
  );
}

describe('the door serves approved images', () => {
  let dir: string;
  let server: DoorHttpServer;
  let downloads: ImageDownloads;
  let port: number;
  let recorded: ImageDownloadRecord[];
  let progress: { at: number; downloads: ImageDownloadProgress[] }[];
  let image: Buffer;
  let catalog: ImageCatalog;

  async function start(
    files: { spec: ImageSpec; data?: Buffer; sparse?: number }[],
    limits: ImageDownloadLimits = {
      maxConcurrent: 10,
      maxPerImage: 10,
      retryAfterSeconds: 7,
    },
  ) {
    for (const f of files) {
      const file = path.join(dir, f.spec.file);
      if (f.sparse === undefined) {
        fs.writeFileSync(file, f.data ?? image);
      } else {
        // A sparse file: its size on the wire, nothing on the disk.
        fs.writeFileSync(file, '');
        fs.truncateSync(file, f.sparse);
      }
    }
    const stores = {
      recordFetches: async () => [],
      recordUnknownDevices: async () => {},
    } as unknown as FetchStore & UnknownDeviceStore;
    const index = new DeviceIndex();
    index.replaceAll([device]);
    const handler = new DeviceRequestHandler({
      index,
      renderer: { render: () => 'hostname leaf-01\n' },
      recorder: new FetchRecorder(stores),
      unknown: new UnknownDeviceCounter(stores),
      logger: mockServices.logger.mock(),
      allowedNetworks: [],
      onFetched: () => {},
    });
    downloads = new ImageDownloads({
      index,
      isAllowed: ip => handler.isAllowed(ip),
      limits,
      logger: mockServices.logger.mock(),
      record: d => recorded.push(d),
      onProgress: d => progress.push({ at: Date.now(), downloads: d }),
      progressIntervalMs: 100,
    });
    catalog = new ImageCatalog({
      directory: dir,
      approved: files.map(f => f.spec),
      logger: mockServices.logger.mock(),
      onChanged: servable => downloads.setImages(servable),
    });
    await catalog.scan();
    server = new DoorHttpServer({
      host: '127.0.0.1',
      port: 0,
      handler,
      images: downloads,
      logger: mockServices.logger.mock(),
    });
    port = (await server.start()).port;
  }

  const spec = (file: string, data: Buffer): ImageSpec => ({
    platform: 'cisco-iosxe',
    modelFamily: 'C9300',
    version: '17.9.4a',
    file,
    size: data.length,
    sha256: sha256(data),
    md5: createHash('md5').update(data).digest('hex'),
  });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-images-'));
    recorded = [];
    progress = [];
    image = randomBytes(3 * 1024 * 1024 + 17);
  });

  afterEach(async () => {
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams the whole image with its length, ETag and checksums, and records the download', async () => {
    await start([{ spec: spec('cat9k.bin', image) }]);
    const reply = await get(port, '/ztp/images/cat9k.bin');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-length']).toBe(String(image.length));
    expect(reply.headers['accept-ranges']).toBe('bytes');
    expect(reply.headers['x-checksum-sha256']).toBe(sha256(image));
    expect(reply.headers['x-checksum-md5']).toBe(
      createHash('md5').update(image).digest('hex'),
    );
    expect(reply.headers['repr-digest']).toBe(
      `sha-256=:${createHash('sha256').update(image).digest('base64')}:`,
    );
    expect(reply.headers.etag).toBe(`"sha256-${sha256(image)}"`);
    expect(sha256(reply.body)).toBe(sha256(image));

    await new Promise(r => setTimeout(r, 50));
    expect(recorded).toEqual([
      expect.objectContaining({
        entityRef: device.entityRef,
        sourceIp: device.managementIp,
        file: 'cat9k.bin',
        version: '17.9.4a',
        bytes: image.length,
        offset: 0,
        outcome: 'complete',
      }),
    ]);
    expect(recorded[0].durationMs).toBeGreaterThanOrEqual(0);

    const head = await get(port, '/ztp/images/cat9k.bin', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(image.length));
    expect(head.body.length).toBe(0);
  });

  it('serves many downloads of two images at once, whole and in ranges, each with its own bytes, all recorded', async () => {
    const other = randomBytes(image.length);
    await start([
      { spec: spec('cat9k.bin', image) },
      { spec: spec('other.bin', other), data: other },
    ]);
    // Ranges off the chunk boundaries, downloads of both images side by side.
    const asks: [string, Buffer, number?, number?][] = [
      ['cat9k.bin', image],
      ['other.bin', other],
      ['cat9k.bin', image, 1000, 2_500_000],
      ['other.bin', other, 524_287, 524_289],
      ['cat9k.bin', image],
      ['cat9k.bin', image, image.length - 5, image.length - 1],
    ];
    const replies = await Promise.all(
      asks.map(([file, , first, last]) =>
        get(
          port,
          `/ztp/images/${file}`,
          first === undefined ? {} : { range: `bytes=${first}-${last}` },
        ),
      ),
    );
    replies.forEach((reply, i) => {
      const [, bytes, first, last] = asks[i];
      expect(reply.status).toBe(first === undefined ? 200 : 206);
      const want =
        first === undefined ? bytes : bytes.subarray(first, last! + 1);
      expect(reply.body.equals(want)).toBe(true);
    });
    for (let i = 0; i < 100 && recorded.length < asks.length; i++) {
      await new Promise(r => setTimeout(r, 20));
    }
    expect(recorded.map(r => r.outcome)).toEqual(asks.map(() => 'complete'));
  });

  it('reports how far a slow download is while it runs, at most once per interval, counting a resumed range from its offset', async () => {
    const big = randomBytes(16 * 1024 * 1024);
    await start([{ spec: spec('cat9k.bin', big), data: big }]);
    const offset = 1024 * 1024;
    const began = Date.now();
    // A device on a slow link: it takes a chunk every 5 ms.
    const received = await new Promise<number>((resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port,
            path: '/ztp/images/cat9k.bin',
            headers: { range: `bytes=${offset}-` },
            localAddress: device.managementIp,
            agent: false,
          },
          res => {
            let n = 0;
            res.on('data', (c: Buffer) => {
              n += c.length;
              res.pause();
              setTimeout(() => res.resume(), 5);
            });
            res.on('end', () => resolve(n));
            res.on('error', reject);
          },
        )
        .on('error', reject);
    });
    const ended = Date.now();
    expect(received).toBe(big.length - offset);
    const seen = progress.flatMap(p => p.downloads);
    expect(seen.length).toBeGreaterThan(0);
    for (const d of seen) {
      expect(d).toMatchObject({
        entityRef: device.entityRef,
        file: 'cat9k.bin',
        size: big.length,
      });
      expect(d.bytes).toBeGreaterThan(offset);
      expect(d.bytes).toBeLessThanOrEqual(big.length);
    }
    // Before the end, a share strictly between the offset and the whole.
    expect(seen.some(d => d.bytes < big.length)).toBe(true);
    const bytes = seen.map(d => d.bytes);
    expect([...bytes].sort((a, b) => a - b)).toEqual(bytes);
    // Coalesced: one report per interval at most, never one per chunk.
    expect(progress.length).toBeLessThanOrEqual(
      Math.ceil((ended - began) / 100) + 1,
    );
    // Nothing once it is over.
    const after = progress.length;
    await new Promise(r => setTimeout(r, 250));
    expect(progress.length).toBe(after);
  });

  it('answers byte ranges with 206, and 416 past the end', async () => {
    await start([{ spec: spec('cat9k.bin', image) }]);
    const middle = await get(port, '/ztp/images/cat9k.bin', {
      range: 'bytes=1000-1999',
    });
    expect(middle.status).toBe(206);
    expect(middle.headers['content-range']).toBe(
      `bytes 1000-1999/${image.length}`,
    );
    expect(middle.headers['content-length']).toBe('1000');
    expect(middle.body.equals(image.subarray(1000, 2000))).toBe(true);

    const tail = await get(port, '/ztp/images/cat9k.bin', {
      range: 'bytes=-10',
    });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(image.subarray(image.length - 10))).toBe(true);

    const past = await get(port, '/ztp/images/cat9k.bin', {
      range: `bytes=${image.length}-`,
    });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${image.length}`);

    // A partial copy of another file (another validator): the whole image.
    const other = await get(port, '/ztp/images/cat9k.bin', {
      range: 'bytes=1000-',
      'if-range': '"sha256-0000"',
    });
    expect(other.status).toBe(200);
    expect(other.body.length).toBe(image.length);
  });

  it('resumes an interrupted download with Range, and the assembled file has the approved SHA-256', async () => {
    await start([{ spec: spec('cat9k.bin', image) }]);
    // The first attempt is cut after about a megabyte.
    const first = await new Promise<{ body: Buffer; etag: string }>(
      (resolve, reject) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port,
            path: '/ztp/images/cat9k.bin',
            localAddress: device.managementIp,
            agent: false,
          },
          res => {
            const chunks: Buffer[] = [];
            let got = 0;
            res.on('data', (c: Buffer) => {
              chunks.push(c);
              got += c.length;
              if (got >= 1024 * 1024) {
                req.destroy();
                resolve({
                  body: Buffer.concat(chunks),
                  etag: String(res.headers.etag),
                });
              }
            });
          },
        );
        req.on('error', e => (e.message.includes('aborted') ? 0 : reject(e)));
      },
    );
    expect(first.body.length).toBeLessThan(image.length);

    const rest = await get(port, '/ztp/images/cat9k.bin', {
      range: `bytes=${first.body.length}-`,
      'if-range': first.etag,
    });
    expect(rest.status).toBe(206);
    expect(rest.headers['content-range']).toBe(
      `bytes ${first.body.length}-${image.length - 1}/${image.length}`,
    );
    const assembled = Buffer.concat([first.body, rest.body]);
    expect(sha256(assembled)).toBe(rest.headers['x-checksum-sha256']);
    expect(sha256(assembled)).toBe(sha256(image));

    // The door records a download once the kernel has taken its last byte,
    // which may be after the client has read it all: wait for that record.
    for (
      let i = 0;
      i < 250 && !recorded.some(r => r.outcome === 'complete');
      i++
    ) {
      await new Promise(r => setTimeout(r, 20));
    }
    expect(recorded.map(r => [r.outcome, r.offset])).toEqual(
      expect.arrayContaining([
        ['interrupted', 0],
        ['complete', first.body.length],
      ]),
    );
  });

  it('bounds downloads per image and overall: the excess gets 503 with Retry-After', async () => {
    // Large enough that an unread download cannot fit in socket buffers.
    const big = randomBytes(48 * 1024 * 1024);
    await start(
      [
        { spec: spec('a.bin', big), data: big },
        { spec: spec('b.bin', big), data: big },
      ],
      { maxConcurrent: 3, maxPerImage: 2, retryAfterSeconds: 7 },
    );
    const a1 = await stalled(port, '/ztp/images/a.bin');
    const a2 = await stalled(port, '/ztp/images/a.bin');
    expect([a1.status, a2.status]).toEqual([200, 200]);
    const a3 = await get(port, '/ztp/images/a.bin');
    expect(a3.status).toBe(503);
    expect(a3.headers['retry-after']).toBe('7');
    expect(a3.body.toString()).toContain('2 downloads of a.bin are under way');

    const b1 = await stalled(port, '/ztp/images/b.bin');
    expect(b1.status).toBe(200);
    const b2 = await get(port, '/ztp/images/b.bin');
    expect(b2.status).toBe(503);
    expect(b2.body.toString()).toContain('3 image downloads are under way');
    expect(downloads.inProgress).toBe(3);

    // A slot freed is a slot taken.
    a1.close();
    for (let i = 0; i < 100 && downloads.inProgress > 2; i++) {
      await new Promise(r => setTimeout(r, 20));
    }
    const a4 = await stalled(port, '/ztp/images/a.bin');
    expect(a4.status).toBe(200);
    for (const d of [a2, a4, b1]) d.close();
  });

  it('frees the slot of a device that hangs up at any moment', async () => {
    await start([{ spec: spec('cat9k.bin', image) }], {
      maxConcurrent: 2,
      maxPerImage: 2,
      retryAfterSeconds: 7,
    });
    // Hang-ups after 0 to 5 ms: before the file is open, while the head
    // goes out, during the body.
    await Promise.all(
      Array.from(
        { length: 40 },
        (_, i) =>
          new Promise<void>(resolve => {
            const socket = net.connect(port, '127.0.0.1', () => {
              socket.write('GET /ztp/images/cat9k.bin HTTP/1.1\r\n\r\n');
              setTimeout(() => socket.destroy(), i % 6);
            });
            socket.on('error', () => {});
            socket.on('close', () => resolve());
          }),
      ),
    );
    for (let i = 0; i < 100 && downloads.inProgress > 0; i++) {
      await new Promise(r => setTimeout(r, 20));
    }
    expect(downloads.inProgress).toBe(0);
    expect((await get(port, '/ztp/images/cat9k.bin')).status).toBe(200);
  });

  it('serves nothing that failed verification, nor a file changed after it', async () => {
    const wrong = spec('bad.bin', image);
    wrong.sha256 = sha256(Buffer.from('another image'));
    await start([
      { spec: wrong, data: image },
      { spec: spec('ok.bin', image) },
    ]);
    expect(catalog.list().map(i => [i.file, i.status])).toEqual([
      ['bad.bin', 'checksum-mismatch'],
      ['ok.bin', 'verified'],
    ]);
    expect((await get(port, '/ztp/images/bad.bin')).status).toBe(404);
    expect((await get(port, '/ztp/images/ok.bin')).status).toBe(200);

    // Rewritten in place: refused until verified again, then refused for good.
    const tampered = Buffer.from(image);
    tampered[5] ^= 0xff;
    fs.writeFileSync(path.join(dir, 'ok.bin'), tampered);
    const changed = await get(port, '/ztp/images/ok.bin');
    expect(changed.status).toBe(503);
    expect(changed.body.toString()).toContain('changed since it was verified');
    await catalog.scan();
    expect(catalog.list()[1].status).toBe('checksum-mismatch');
    expect((await get(port, '/ztp/images/ok.bin')).status).toBe(404);
  });

  it('streams a 256 MiB image without the heap growing with it', async () => {
    const size = 256 * 1024 * 1024;
    const zeros = createHash('sha256');
    const block = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 256; i++) zeros.update(block);
    await start([
      {
        spec: {
          platform: 'cisco-nxos',
          modelFamily: '',
          version: '10.3(4a)',
          file: 'nxos64.bin',
          size,
          sha256: zeros.digest('hex'),
        },
        sparse: size,
      },
    ]);
    global.gc?.();
    const before = process.memoryUsage();
    let peak = 0;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(
        peak,
        m.heapUsed + m.arrayBuffers - (before.heapUsed + before.arrayBuffers),
      );
    }, 5);
    const received = await new Promise<number>((resolve, reject) => {
      http
        .get(
          { host: '127.0.0.1', port, path: '/ztp/images/nxos64.bin' },
          res => {
            let n = 0;
            res.on('data', (c: Buffer) => (n += c.length));
            res.on('end', () => resolve(n));
            res.on('error', reject);
          },
        )
        .on('error', reject);
    });
    clearInterval(sampler);
    expect(received).toBe(size);
    // Chunks in flight and garbage not yet collected: far below the image.
    expect(peak).toBeLessThan(64 * 1024 * 1024);
  }, 60_000); // the heap is what is measured, not the time: a loaded machine takes longer
});
