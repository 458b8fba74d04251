import type net from 'node:net';
import type {
  ChunkReader,
  ChunkSource,
  ImageChunk,
  ImageChunkCache,
} from './imageChunkCache';

/**
 * Sends bytes [start, start + length) of an image to a socket, chunk by
 * chunk from the shared cache, the next chunk fetched while the last one is
 * written when a buffer is free. Resolves true once every byte is handed to
 * the socket, false when the socket went away first; rejects when the file
 * cannot be read (or is shorter than it was).
 */
export async function sendFileRange(options: {
  source: ChunkSource;
  socket: net.Socket;
  start: number;
  length: number;
  chunks: ImageChunkCache;
  /** Called with each piece's size once it is handed to the socket. */
  sent(bytes: number): void;
}): Promise<boolean> {
  const reader = options.chunks.openReader(
    options.source.key,
    options.start,
    options.start + options.length,
  );
  try {
    return await sendChunks(options, reader);
  } finally {
    options.chunks.closeReader(reader);
  }
}

async function sendChunks(
  options: Parameters<typeof sendFileRange>[0],
  reader: ChunkReader,
): Promise<boolean> {
  const { source, socket, chunks } = options;
  const chunkBytes = chunks.chunkBytes;
  let position = options.start;
  let left = options.length;
  // The write under way: its chunk is held until it is done.
  let writing: Promise<boolean> | undefined;
  let written: ImageChunk | undefined;
  const finishWrite = async () => {
    const ok = await writing!;
    chunks.release(written!);
    writing = undefined;
    written = undefined;
    return ok;
  };
  while (left > 0 && !socket.destroyed) {
    const index = Math.floor(position / chunkBytes);
    let chunk = chunks.tryAcquire(source, index);
    // None free: this download's own chunk first, once it is written.
    if (!chunk && writing && !(await finishWrite())) return false;
    chunk ??= await chunks.acquire(source, index);
    let bytes: number;
    try {
      bytes = await chunk.ready;
    } catch (error) {
      chunks.release(chunk);
      if (writing) await finishWrite();
      throw error;
    }
    const from = position - index * chunkBytes;
    const piece = Math.min(left, bytes - from);
    if (piece <= 0) {
      chunks.release(chunk);
      if (writing) await finishWrite();
      throw new Error(`the file ended ${left} bytes early`);
    }
    if (writing && !(await finishWrite())) {
      chunks.release(chunk);
      return false;
    }
    if (socket.destroyed) {
      chunks.release(chunk);
      return false;
    }
    written = chunk;
    writing = new Promise(resolve => {
      // On error the socket is closing and libuv has let go of the bytes.
      socket.write(chunk!.buffer.subarray(from, from + piece), error =>
        resolve(!error),
      );
    });
    position += piece;
    left -= piece;
    reader.position = position;
    options.sent(piece);
  }
  if (writing && !(await finishWrite())) return false;
  return !socket.destroyed && left === 0;
}
