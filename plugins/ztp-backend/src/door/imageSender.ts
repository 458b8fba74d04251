import fs from 'node:fs';
import type net from 'node:net';

/** Bytes read from the image and written to the socket at a time. */
export const IMAGE_CHUNK_BYTES = 1024 * 1024;

/**
 * Chunk buffers reused by every image download. A stream allocates a new
 * buffer per chunk: hundreds of downloads then leave megabytes of garbage
 * a second and the RSS follows the garbage, not what is in flight. Here a
 * download holds at most two buffers (one being read, one being written)
 * and gives them back; up to `keep` idle ones wait for the next download.
 */
export class ImageChunkBuffers {
  private readonly idle: Buffer[] = [];

  constructor(
    readonly chunkBytes = IMAGE_CHUNK_BYTES,
    private readonly keep = 64,
  ) {}

  take(): Buffer {
    return this.idle.pop() ?? Buffer.allocUnsafeSlow(this.chunkBytes);
  }

  give(buffer: Buffer) {
    if (this.idle.length < this.keep) this.idle.push(buffer);
  }

  /** Idle buffers kept (for tests). */
  get idleCount(): number {
    return this.idle.length;
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
 * chunks read into reused buffers, the next chunk read while the last one is
 * written. Resolves true once every byte is handed to the socket, false when
 * the socket went away first; rejects when the file cannot be read (or is
 * shorter than it was).
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
  // The write still under way: its buffer is the socket's until it is done.
  let writing: Promise<boolean> = Promise.resolve(true);
  while (left > 0) {
    if (socket.destroyed) break;
    const buffer = buffers.take();
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
      throw error;
    }
    if (bytes === 0) {
      buffers.give(buffer);
      throw new Error(`the file ended ${left} bytes early`);
    }
    if (!(await writing) || socket.destroyed) {
      buffers.give(buffer);
      return false;
    }
    writing = new Promise<boolean>(resolve => {
      socket.write(buffer.subarray(0, bytes), error => {
        // On error the socket is closing and libuv has let go of the bytes.
        buffers.give(buffer);
        resolve(!error);
      });
    });
    position += bytes;
    left -= bytes;
    options.sent(bytes);
  }
  return (await writing) && !socket.destroyed && left === 0;
}
