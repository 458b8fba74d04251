import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';
import { ImageCatalog } from './ImageCatalog';
import { readImageSettings, type ImageSpec } from './settings';

const data = Buffer.from('IOS-XE image bytes '.repeat(1000));
const hex = (algorithm: string, d: Buffer) =>
  createHash(algorithm).update(d).digest('hex');

describe('ImageCatalog', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-catalog-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const spec = (file: string, over: Partial<ImageSpec> = {}): ImageSpec => ({
    platform: 'cisco-iosxe',
    modelFamily: '',
    version: '17.9.4a',
    file,
    size: data.length,
    sha256: hex('sha256', data),
    md5: hex('md5', data),
    ...over,
  });

  it('verifies each file when it is added, and refuses a mismatch with what is wrong', async () => {
    for (const f of ['ok.bin', 'md5.bin', 'sha.bin', 'short.bin']) {
      fs.writeFileSync(path.join(dir, f), f === 'short.bin' ? 'x' : data);
    }
    const changes: string[][] = [];
    const catalog = new ImageCatalog({
      directory: dir,
      approved: [
        spec('ok.bin'),
        spec('md5.bin', { md5: hex('md5', Buffer.from('other')) }),
        spec('sha.bin', { sha256: hex('sha256', Buffer.from('other')) }),
        spec('short.bin'),
        spec('absent.bin'),
      ],
      logger: mockServices.logger.mock(),
      onChanged: s => changes.push(s.map(i => i.file)),
    });
    expect(catalog.list()[0].status).toBe('missing');
    await catalog.scan();
    const list = catalog.list();
    expect(list.map(i => i.status)).toEqual([
      'verified',
      'checksum-mismatch',
      'checksum-mismatch',
      'size-mismatch',
      'missing',
    ]);
    expect(list[1].problem).toMatch(
      /^md5\.bin has MD5 [0-9a-f]{32}, the approved image/,
    );
    expect(list[2].problem).toMatch(
      /^sha\.bin has SHA-256 [0-9a-f]{64}, the approved image/,
    );
    expect(list[3].problem).toBe(
      `short.bin has 1 bytes, the approved image ${data.length}`,
    );
    expect(list[4].problem).toBe(`absent.bin is not in ${dir}`);
    expect(changes).toEqual([['ok.bin']]);

    // A file added later is verified on the next scan.
    fs.writeFileSync(path.join(dir, 'absent.bin'), data);
    await catalog.scan();
    expect(catalog.list()[4].status).toBe('verified');
    expect(changes).toEqual([['ok.bin'], ['ok.bin', 'absent.bin']]);
    await catalog.scan();
    expect(changes).toHaveLength(2);
  });

  it('verifies an image at its own URL once, again only when the server says it changed, and refuses a mismatch', async () => {
    let body = data;
    let etag = '"v1"';
    const gets: string[] = [];
    const server = http.createServer((req, res) => {
      if (req.url === '/gone.bin') {
        res.writeHead(404).end();
        return;
      }
      if (req.method === 'GET') gets.push(req.url!);
      res.writeHead(200, {
        'content-length': body.length,
        etag,
        'content-type': 'application/octet-stream',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const changes: string[][] = [];
      const catalog = new ImageCatalog({
        approved: [
          spec('near.bin', { url: `${base}/near.bin` }),
          spec('gone.bin', { url: `${base}/gone.bin` }),
        ],
        logger: mockServices.logger.mock(),
        onChanged: s => changes.push(s.map(i => i.file)),
      });
      await catalog.scan();
      expect(catalog.list().map(i => [i.status, i.url])).toEqual([
        ['verified', `${base}/near.bin`],
        ['missing', `${base}/gone.bin`],
      ]);
      expect(catalog.list()[1].problem).toBe(
        `gone.bin at ${base}/gone.bin: the server answered HTTP 404`,
      );
      // Devices fetch it from its URL: the door has nothing to serve.
      expect(catalog.available().map(i => i.file)).toEqual(['near.bin']);
      expect(catalog.servable()).toEqual([]);
      expect(gets).toEqual(['/near.bin']);

      // Unchanged (same length and ETag): not downloaded again.
      await catalog.scan();
      expect(gets).toEqual(['/near.bin']);

      // Replaced on the server by other bytes of the same length: refused.
      body = Buffer.from(data).fill(0x41, 0, 10);
      etag = '"v2"';
      await catalog.scan();
      expect(gets).toEqual(['/near.bin', '/near.bin']);
      expect(catalog.list()[0].status).toBe('checksum-mismatch');
      expect(catalog.list()[0].problem).toMatch(
        /^near\.bin has SHA-256 [0-9a-f]{64}, the approved image/,
      );
      expect(catalog.available()).toEqual([]);
    } finally {
      await new Promise(r => server.close(r));
    }

    // The server gone: not reachable, said so.
    const unreachable = new ImageCatalog({
      approved: [spec('near.bin', { url: `${base}/near.bin` })],
      logger: mockServices.logger.mock(),
    });
    await unreachable.scan();
    expect(unreachable.list()[0].status).toBe('unreadable');
    expect(unreachable.list()[0].problem).toMatch(
      new RegExp(`^near\\.bin at ${base}/near\\.bin: not reachable \\(`),
    );
  });

  it('finds the approved image of a model by its longest family', () => {
    const catalog = new ImageCatalog({
      approved: [
        spec('any.bin', { version: '17.6.5' }),
        spec('c9300.bin', { modelFamily: 'C9300', version: '17.9.4a' }),
        spec('c9300x.bin', { modelFamily: 'C9300X', version: '17.12.2' }),
      ],
      logger: mockServices.logger.mock(),
    });
    expect(catalog.approvedFor('cisco-iosxe', 'C9300X-48HX')?.version).toBe(
      '17.12.2',
    );
    expect(catalog.approvedFor('cisco-iosxe', 'c9300-48p')?.version).toBe(
      '17.9.4a',
    );
    expect(catalog.approvedFor('cisco-iosxe', 'ISR4451-X/K9')?.version).toBe(
      '17.6.5',
    );
    expect(catalog.approvedFor('arista-eos', 'DCS-7050TX-64')).toBeUndefined();
  });

  it('refuses settings that cannot be right, naming the key', () => {
    const read = (
      approved: JsonObject[],
      directory: string | undefined = '/srv/images',
    ) =>
      readImageSettings(
        new ConfigReader({ ztp: { images: { directory, approved } } }),
      );
    const good = {
      platform: 'arista-eos',
      version: '4.31.2F',
      file: 'EOS.swi',
      size: 10,
      sha256: 'a'.repeat(64),
    };
    expect(read([good]).approved[0]).toMatchObject({
      file: 'EOS.swi',
      modelFamily: '',
    });
    expect(() => read([{ ...good, file: '../etc/passwd' }])).toThrow(
      'ztp.images.approved[0].file "../etc/passwd" must be a plain file name inside ztp.images.directory',
    );
    expect(() => read([{ ...good, sha256: 'abc' }])).toThrow(
      'ztp.images.approved[0].sha256 must be 64 hexadecimal digits',
    );
    expect(() => read([{ ...good, md5: 'xyz' }])).toThrow(
      'md5 must be 32 hexadecimal digits',
    );
    expect(() => read([good, { ...good, file: 'other.swi' }])).toThrow(
      'arista-eos already has an approved image',
    );
    expect(() =>
      readImageSettings(
        new ConfigReader({ ztp: { images: { approved: [good] } } }),
      ),
    ).toThrow('ztp.images.directory is required');
    // An image at its own URL needs no directory; a URL must be http(s).
    const remote = { ...good, url: 'http://127.0.0.1:8080/EOS.swi' };
    expect(
      readImageSettings(
        new ConfigReader({ ztp: { images: { approved: [remote] } } }),
      ).approved[0].url,
    ).toBe('http://127.0.0.1:8080/EOS.swi');
    expect(() => read([{ ...good, url: 'ftp://127.0.0.1/EOS.swi' }])).toThrow(
      'ztp.images.approved[0].url "ftp://127.0.0.1/EOS.swi" must be an http:// or https:// URL the devices can reach',
    );
  });
});
