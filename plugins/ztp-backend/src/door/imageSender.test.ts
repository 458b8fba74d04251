import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImageChunkBuffers, sendFileRange } from './imageSender';

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

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-sender-'));
    file = path.join(dir, 'image.bin');
    data = randomBytes(5 * 64 * 1024 + 123);
    fs.writeFileSync(file, data);
    fd = fs.openSync(file, 'r');
  });

  afterEach(() => {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends exactly the range asked for, in chunks, and gives its buffers back for the next download', async () => {
    const buffers = new ImageChunkBuffers(64 * 1024, 4);
    for (const [start, length] of [
      [0, data.length],
      [70_000, 200_001],
    ]) {
      const [sender, client] = await socketPair();
      const received = readAll(client);
      const sizes: number[] = [];
      const all = await sendFileRange({
        fd,
        socket: sender,
        start,
        length,
        buffers,
        sent: n => sizes.push(n),
      });
      sender.end();
      expect(all).toBe(true);
      expect(
        (await received).equals(data.subarray(start, start + length)),
      ).toBe(true);
      expect(sizes.every(n => n <= 64 * 1024)).toBe(true);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(length);
      // At most two buffers per download (one read, one written), given back.
      expect(buffers.inUse).toBe(0);
      expect(buffers.allocatedCount).toBeLessThanOrEqual(2);
    }
    // The second download reused the first one's buffers.
    expect(buffers.allocatedCount).toBeLessThanOrEqual(2);
  });

  it('never holds more buffers than its bound, however many download at once: the others wait their turn', async () => {
    const buffers = new ImageChunkBuffers(64 * 1024, 3);
    let most = 0;
    const downloads = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const [sender, client] = await socketPair();
        const received = readAll(client);
        const all = await sendFileRange({
          fd,
          socket: sender,
          start: 0,
          length: data.length,
          buffers,
          sent: () => {
            most = Math.max(most, buffers.inUse);
          },
        });
        sender.end();
        return { all, received: await received };
      }),
    );
    for (const { all, received } of downloads) {
      expect(all).toBe(true);
      expect(received.equals(data)).toBe(true);
    }
    expect(buffers.allocatedCount).toBe(3);
    expect(most).toBeLessThanOrEqual(3);
    expect(buffers.inUse).toBe(0);
  });

  it('gives a buffer back to the first download waiting for one', async () => {
    const buffers = new ImageChunkBuffers(1024, 1);
    const only = buffers.tryTake()!;
    expect(buffers.tryTake()).toBeUndefined();
    const first = buffers.take();
    const second = buffers.take();
    buffers.give(only);
    expect(await first).toBe(only);
    buffers.give(only);
    expect(await second).toBe(only);
    expect(buffers.allocatedCount).toBe(1);
  });

  it('stops when the device hangs up, and says so', async () => {
    const buffers = new ImageChunkBuffers(64 * 1024, 4);
    const [sender, client] = await socketPair();
    let sent = 0;
    const sending = sendFileRange({
      fd,
      socket: sender,
      start: 0,
      length: data.length,
      buffers,
      sent: n => {
        sent += n;
        if (sent >= 64 * 1024) sender.destroy();
      },
    });
    client.resume();
    await expect(sending).resolves.toBe(false);
    expect(sent).toBeLessThan(data.length);
    client.destroy();
  });

  it('rejects when the file is shorter than the range', async () => {
    const buffers = new ImageChunkBuffers(64 * 1024, 4);
    const [sender, client] = await socketPair();
    client.resume();
    await expect(
      sendFileRange({
        fd,
        socket: sender,
        start: data.length - 10,
        length: 100,
        buffers,
        sent: () => {},
      }),
    ).rejects.toThrow(/ended 90 bytes early/);
    sender.destroy();
    client.destroy();
  });
});
