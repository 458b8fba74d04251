import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ChunkSource, fileSource, ImageChunkCache } from './imageChunkCache';
import { sendFileRange } from './imageSender';
import { memorySource } from '../__testUtils__/memoryImageSource';

/** A connected pair of sockets on loopback: what is written, what is read. */
async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  const accepted = new Promise<net.Socket>(r => server.once('connection', r));
  const client = net.connect(port, '127.0.0.1');
  const sender = await accepted;
  server.close();
  return [sender, client];
}

function readAll(socket: net.Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  return new Promise(r => socket.on('close', () => r(Buffer.concat(chunks))));
}

describe('sendFileRange', () => {
  let dir: string;
  let file: string;
  let data: Buffer;
  let fd: number;
  let source: ChunkSource;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-sender-'));
    file = path.join(dir, 'image.bin');
    data = randomBytes(5 * 64 * 1024 + 123);
    fs.writeFileSync(file, data);
    fd = fs.openSync(file, 'r');
    source = fileSource(fd, 'image.bin', data.length);
  });

  afterEach(() => {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends exactly the range asked for, in chunks, and gives its buffers back for the next download', async () => {
    const chunks = new ImageChunkCache(64 * 1024, 4);
    for (const [start, length] of [
      [0, data.length],
      [70_000, 200_001],
    ]) {
      const [sender, client] = await socketPair();
      const received = readAll(client);
      const sizes: number[] = [];
      let most = 0;
      const all = await sendFileRange({
        source,
        socket: sender,
        start,
        length,
        chunks,
        sent: n => {
          sizes.push(n);
          most = Math.max(most, chunks.inUse);
        },
      });
      sender.end();
      expect(all).toBe(true);
      expect(
        (await received).equals(data.subarray(start, start + length)),
      ).toBe(true);
      expect(sizes.every(n => n <= 64 * 1024)).toBe(true);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(length);
      // At most two buffers per download (one read, one written), given back.
      expect(most).toBeLessThanOrEqual(2);
      expect(chunks.inUse).toBe(0);
    }
    // The second download reused the first one's buffers: a download alone
    // keeps nothing it has gone past.
    expect(chunks.allocatedCount).toBeLessThanOrEqual(2);
  });

  it('never holds more buffers than its bound, however many download at once: the others wait their turn', async () => {
    const chunks = new ImageChunkCache(64 * 1024, 3);
    let most = 0;
    // Each starts elsewhere, so that they cannot share every chunk.
    const starts = Array.from({ length: 8 }, (_, i) => i * 40_000);
    const downloads = await Promise.all(
      starts.map(async start => {
        const [sender, client] = await socketPair();
        const received = readAll(client);
        const all = await sendFileRange({
          source,
          socket: sender,
          start,
          length: data.length - start,
          chunks,
          sent: () => {
            most = Math.max(most, chunks.inUse);
          },
        });
        sender.end();
        return { start, all, received: await received };
      }),
    );
    for (const { start, all, received } of downloads) {
      expect(all).toBe(true);
      expect(received.equals(data.subarray(start))).toBe(true);
    }
    expect(chunks.allocatedCount).toBe(3);
    expect(most).toBeLessThanOrEqual(3);
    expect(chunks.inUse).toBe(0);
  });

  it('reads a chunk once for all the downloads at the same place in the same image', async () => {
    const chunks = new ImageChunkCache(64 * 1024, 8);
    const counted = memorySource('image.bin', data);
    const pairs = await Promise.all(Array.from({ length: 5 }, socketPair));
    // All five start in the same turn, as devices upgraded together do.
    const downloads = pairs.map(async ([sender, client]) => {
      const received = readAll(client);
      const all = await sendFileRange({
        source: counted,
        socket: sender,
        start: 0,
        length: data.length,
        chunks,
        sent: () => {},
      });
      sender.end();
      return { all, received: await received };
    });
    for (const { all, received } of await Promise.all(downloads)) {
      expect(all).toBe(true);
      expect(received.equals(data)).toBe(true);
    }
    // Six chunks in the image, read once each instead of once per download.
    expect(counted.reads).toBe(6);
    expect(chunks.readCount).toBe(6);
    expect(chunks.inUse).toBe(0);
  });

  it('keeps images apart: the same place in another file is read from it', async () => {
    const chunks = new ImageChunkCache(64 * 1024, 8);
    const other = randomBytes(data.length);
    const received = await Promise.all(
      [memorySource('a.bin', data), memorySource('b.bin', other)].map(
        async from => {
          const [sender, client] = await socketPair();
          const bytes = readAll(client);
          await sendFileRange({
            source: from,
            socket: sender,
            start: 1000,
            length: 100_000,
            chunks,
            sent: () => {},
          });
          sender.end();
          return bytes;
        },
      ),
    );
    expect(received[0].equals(data.subarray(1000, 101_000))).toBe(true);
    expect(received[1].equals(other.subarray(1000, 101_000))).toBe(true);
  });

  it('fails every download sharing a chunk that could not be read, and keeps none of it for the next', async () => {
    const chunks = new ImageChunkCache(64 * 1024, 4);
    let failRead: (error: Error) => void = () => {};
    let reads = 0;
    const flaky: ChunkSource = {
      key: 'a.bin',
      size: data.length,
      read: (buffer, length, position) => {
        reads++;
        // The first read fails once both downloads wait for it.
        if (reads === 1) return new Promise((_, reject) => (failRead = reject));
        return Promise.resolve(
          data.copy(buffer, 0, position, position + length),
        );
      },
    };
    const attempt = async () => {
      const [sender, client] = await socketPair();
      const received = readAll(client);
      try {
        return await sendFileRange({
          source: flaky,
          socket: sender,
          start: 0,
          length: data.length,
          chunks,
          sent: () => {},
        });
      } finally {
        sender.end();
        await received;
      }
    };
    const both = Promise.allSettled([attempt(), attempt()]);
    await new Promise(r => setTimeout(r, 200));
    failRead(new Error('EIO: the disk failed'));
    expect((await both).map(r => r.status)).toEqual(['rejected', 'rejected']);
    expect(reads).toBe(1);
    expect(chunks.inUse).toBe(0);
    await expect(attempt()).resolves.toBe(true);
    // All six chunks read again: the failed one was not kept.
    expect(reads).toBe(7);
  });

  it('stops when the device hangs up, and says so', async () => {
    const chunks = new ImageChunkCache(64 * 1024, 4);
    const [sender, client] = await socketPair();
    let sent = 0;
    const sending = sendFileRange({
      source,
      socket: sender,
      start: 0,
      length: data.length,
      chunks,
      sent: n => {
        sent += n;
        if (sent >= 64 * 1024) sender.destroy();
      },
    });
    client.resume();
    await expect(sending).resolves.toBe(false);
    expect(sent).toBeLessThan(data.length);
    expect(chunks.inUse).toBe(0);
    client.destroy();
  });

  it('rejects when the file is shorter than the range', async () => {
    const chunks = new ImageChunkCache(64 * 1024, 4);
    const [sender, client] = await socketPair();
    client.resume();
    await expect(
      sendFileRange({
        // The size the image was verified at, 90 bytes past today's end.
        source: fileSource(fd, 'image.bin', data.length + 90),
        socket: sender,
        start: data.length - 10,
        length: 100,
        chunks,
        sent: () => {},
      }),
    ).rejects.toThrow(/ended 90 bytes early/);
    expect(chunks.inUse).toBe(0);
    sender.destroy();
    client.destroy();
  });
});
