import fs from 'node:fs';
import type net from 'node:net';

/** Bytes read from the image and written to the socket at a time. */
export const IMAGE_CHUNK_BYTES = 512 * 1024;
/** Chunk buffers all image downloads share: 64 MiB with 512 KiB chunks. */
export const IMAGE_CHUNK_BUFFERS = 128;

/**
 * Chunk buffers shared by every image download, at most `max` of them. A
 * stream allocates a new buffer per chunk: hundreds of downloads then leave
 * hundreds of megabytes of garbage a second and the RSS follows the
 * garbage, not what is in flight. Here the memory is at most
 * max × chunkBytes whatever the number of downloads; a download waits for a
 * buffer when all are in use (each holds one while its chunk is written,
 * and a second one to read ahead only when one is free).
 */
export class ImageChunkBuffers {
  private readonly idle: Buffer[] = [];
  private allocated = 0;
  private readonly waiting: ((buffer: Buffer) => void)[] = [];

  constructor(
    readonly chunkBytes = IMAGE_CHUNK_BYTES,
    readonly max = IMAGE_CHUNK_BUFFERS,
  ) {}

  /** A buffer at once, or undefined when all of them are in use. */
  tryTake(): Buffer | undefined {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.allocated >= this.max) return undefined;
    this.allocated++;
    return Buffer.allocUnsafeSlow(this.chunkBytes);
  }

  /** A buffer, once one is free (first come, first served). */
  take(): Promise<Buffer> {
    const buffer = this.tryTake();
    return buffer
      ? Promise.resolve(buffer)
      : new Promise(resolve => this.waiting.push(resolve));
  }

  give(buffer: Buffer) {
    const next = this.waiting.shift();
    if (next) next(buffer);
    else this.idle.push(buffer);
  }

  /** Buffers ever allocated (for tests). */
  get allocatedCount(): number {
    return this.allocated;
  }

  /** Buffers held by downloads (for tests). */
  get inUse(): number {
    return this.allocated - this.idle.length;
  }
}

function readInto(
  fd: number,
  buffer: Buffer,
  length: number,
  position: number,
): Promise<number> {
  return new Promise((resolve, reject) =>
    fs.read(fd, buffer, 0, length, position, (error, bytesRead) =>
      error ? reject(error) : resolve(bytesRead),
    ),
  );
}

/**
 * Sends bytes [start, start + length) of an open file to a socket, in large
 * chunks read into shared buffers, the next chunk read while the last one
 * is written when a buffer is free. Resolves true once every byte is handed
 * to the socket, false when the socket went away first; rejects when the
 * file cannot be read (or is shorter than it was).
 */
export async function sendFileRange(options: {
  fd: number;
  socket: net.Socket;
  start: number;
  length: number;
  buffers: ImageChunkBuffers;
  /** Called with each chunk's size once it is written to the socket. */
  sent(bytes: number): void;
}): Promise<boolean> {
  const { fd, socket, buffers } = options;
  let position = options.start;
  let left = options.length;
  // The write under way: its buffer is the socket's until it is done.
  let writing: Promise<{ ok: boolean; buffer: Buffer }> | undefined;
  const finishWrite = async () => {
    const done = await writing!;
    writing = undefined;
    return done;
  };
  while (left > 0 && !socket.destroyed) {
    let buffer = buffers.tryTake();
    if (!buffer && writing) {
      // None free: this download's own buffer, once its chunk is written.
      const done = await finishWrite();
      if (!done.ok) {
        buffers.give(done.buffer);
        return false;
      }
      buffer = done.buffer;
    }
    buffer ??= await buffers.take();
    let bytes: number;
    try {
      bytes = await readInto(
        fd,
        buffer,
        Math.min(left, buffer.length),
        position,
      );
    } catch (error) {
      buffers.give(buffer);
      if (writing) buffers.give((await finishWrite()).buffer);
      throw error;
    }
    if (bytes === 0) {
      buffers.give(buffer);
      if (writing) buffers.give((await finishWrite()).buffer);
      throw new Error(`the file ended ${left} bytes early`);
    }
    if (writing) {
      const done = await finishWrite();
      buffers.give(done.buffer);
      if (!done.ok) {
        buffers.give(buffer);
        return false;
      }
    }
    if (socket.destroyed) {
      buffers.give(buffer);
      return false;
    }
    const chunk = buffer;
    writing = new Promise(resolve => {
      // On error the socket is closing and libuv has let go of the bytes.
      socket.write(chunk.subarray(0, bytes), error =>
        resolve({ ok: !error, buffer: chunk }),
      );
    });
    position += bytes;
    left -= bytes;
    options.sent(bytes);
  }
  if (writing) {
    const done = await finishWrite();
    buffers.give(done.buffer);
    if (!done.ok) return false;
  }
  return !socket.destroyed && left === 0;
}
