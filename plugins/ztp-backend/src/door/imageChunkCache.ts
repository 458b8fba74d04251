import fs from 'node:fs';

/** Bytes read from the image and written to the socket at a time. */
export const IMAGE_CHUNK_BYTES = 512 * 1024;
/** Chunk buffers all image downloads share: 64 MiB with 512 KiB chunks. */
export const IMAGE_CHUNK_BUFFERS = 128;

/** The file a download reads: what names its bytes, its size, a reader. */
export type ChunkSource = {
  /** Equal keys are equal bytes (the image's name, inode and mtime). */
  key: string;
  size: number;
  read(buffer: Buffer, length: number, position: number): Promise<number>;
};

/** One aligned chunk of an image in a shared buffer. */
export type ImageChunk = {
  readonly id: string;
  /** Its image's key. */
  readonly key: string;
  readonly index: number;
  readonly buffer: Buffer;
  /** Bytes read into the buffer; rejects when the file could not be read. */
  readonly ready: Promise<number>;
  /** Downloads holding it: it is neither evicted nor reused meanwhile. */
  refs: number;
  /** Settled: read (the byte count) or failed. */
  bytes?: number;
  failed?: boolean;
};

type Waiter = {
  id: string;
  source: ChunkSource;
  index: number;
  resolve(chunk: ImageChunk): void;
};

const chunkId = (key: string, index: number) => `${index}:${key}`;

/** Where a download is in its image: the next byte it needs, and its end. */
export type ChunkReader = {
  readonly key: string;
  position: number;
  /** Past its last byte. */
  readonly end: number;
};

/**
 * Chunk buffers shared by every image download, at most `max` of them, that
 * also keep what they read: devices upgrading together download the same
 * image at about the same place, so a chunk read once from the page cache
 * is written to every socket that reaches it while it is kept, instead of
 * being copied into user space once per device (that copy was a quarter of
 * the machine's CPU under 200 downloads). A chunk is kept only while a
 * download of its image is still behind it, so a lone download holds two
 * buffers, as before, and the cache fills only when downloads follow each
 * other through the image. The memory is at most max × chunkBytes
 * whatever the number of downloads or images; a download
 * holds at most two chunks (one written, the next read), and waits, first
 * come first served, when every buffer is held. A kept chunk nobody holds
 * stays until its buffer is needed; the one furthest back in its image goes
 * first, since the fewest downloads are still behind it.
 */
export class ImageChunkCache {
  private readonly chunks = new Map<string, ImageChunk>();
  /** Kept chunks no download holds: the ones that may be evicted. */
  private readonly unused = new Set<ImageChunk>();
  private readonly free: Buffer[] = [];
  private allocated = 0;
  private waiting: Waiter[] = [];
  private reads = 0;
  /** The downloads under way, by image key: who may still need a chunk. */
  private readonly readers = new Map<string, Set<ChunkReader>>();

  constructor(
    readonly chunkBytes = IMAGE_CHUNK_BYTES,
    readonly max = IMAGE_CHUNK_BUFFERS,
  ) {}

  /** A download of bytes [start, end) of `key`; close it when it ends. */
  openReader(key: string, start: number, end: number): ChunkReader {
    const reader = { key, position: start, end };
    let readers = this.readers.get(key);
    if (!readers) this.readers.set(key, (readers = new Set()));
    readers.add(reader);
    return reader;
  }

  closeReader(reader: ChunkReader) {
    const readers = this.readers.get(reader.key);
    readers?.delete(reader);
    if (readers?.size === 0) this.readers.delete(reader.key);
  }

  /** Whether a download of the chunk's image still needs it. */
  private isStillNeeded(chunk: ImageChunk): boolean {
    const start = chunk.index * this.chunkBytes;
    const end = start + this.chunkBytes;
    for (const reader of this.readers.get(chunk.key) ?? []) {
      // Still to come: the bytes in [position, reader.end) that it overlaps.
      if (
        reader.position < end &&
        reader.end > Math.max(start, reader.position)
      ) {
        return true;
      }
    }
    return false;
  }

  /** The chunk at once (kept, or read into a free buffer), or undefined. */
  tryAcquire(source: ChunkSource, index: number): ImageChunk | undefined {
    const id = chunkId(source.key, index);
    const kept = this.chunks.get(id);
    if (kept) {
      this.hold(kept);
      return kept;
    }
    const buffer = this.freeBuffer();
    return buffer && this.load(id, source, index, buffer);
  }

  /** The chunk, once a buffer is free for it (first come, first served). */
  acquire(source: ChunkSource, index: number): Promise<ImageChunk> {
    const chunk = this.tryAcquire(source, index);
    if (chunk) return Promise.resolve(chunk);
    return new Promise(resolve =>
      this.waiting.push({
        id: chunkId(source.key, index),
        source,
        index,
        resolve,
      }),
    );
  }

  /** A download is done with a chunk (only once its read has settled). */
  release(chunk: ImageChunk) {
    if (chunk.bytes === undefined && !chunk.failed) {
      // Its read still writes into the buffer: not reusable before it ends.
      void chunk.ready.then(
        () => this.release(chunk),
        () => this.release(chunk),
      );
      return;
    }
    chunk.refs--;
    if (chunk.refs > 0) return;
    if (this.chunks.get(chunk.id) === chunk && this.isStillNeeded(chunk)) {
      this.unused.add(chunk);
    } else {
      this.forget(chunk);
      this.free.push(chunk.buffer);
    }
    this.serveWaiting();
  }

  private hold(chunk: ImageChunk) {
    if (chunk.refs === 0) this.unused.delete(chunk);
    chunk.refs++;
  }

  private freeBuffer(): Buffer | undefined {
    const free = this.free.pop();
    if (free) return free;
    if (this.allocated < this.max) {
      this.allocated++;
      return Buffer.allocUnsafeSlow(this.chunkBytes);
    }
    let victim: ImageChunk | undefined;
    for (const chunk of this.unused) {
      if (!victim || chunk.index < victim.index) victim = chunk;
    }
    if (!victim) return undefined;
    this.unused.delete(victim);
    this.chunks.delete(victim.id);
    return victim.buffer;
  }

  private load(
    id: string,
    source: ChunkSource,
    index: number,
    buffer: Buffer,
  ): ImageChunk {
    this.reads++;
    const position = index * this.chunkBytes;
    const length = Math.max(
      0,
      Math.min(this.chunkBytes, source.size - position),
    );
    const chunk: ImageChunk = {
      id,
      key: source.key,
      index,
      buffer,
      refs: 1,
      ready: source.read(buffer, length, position),
    };
    chunk.ready.then(
      bytes => {
        chunk.bytes = bytes;
        // Short: the file changed under it; not kept for anyone else.
        if (bytes < length) this.forget(chunk);
      },
      () => {
        chunk.failed = true;
        this.forget(chunk);
      },
    );
    this.chunks.set(id, chunk);
    // Downloads waiting for a buffer for this very chunk share it.
    if (this.waiting.length) {
      this.waiting = this.waiting.filter(w => {
        if (w.id !== id) return true;
        chunk.refs++;
        w.resolve(chunk);
        return false;
      });
    }
    return chunk;
  }

  private forget(chunk: ImageChunk) {
    if (this.chunks.get(chunk.id) === chunk) this.chunks.delete(chunk.id);
  }

  private serveWaiting() {
    while (this.waiting.length) {
      const next = this.waiting[0];
      const kept = this.chunks.get(next.id);
      if (kept) {
        this.waiting.shift();
        this.hold(kept);
        next.resolve(kept);
        continue;
      }
      const buffer = this.freeBuffer();
      if (!buffer) return;
      // Off the queue first: load() hands the chunk to the others waiting
      // for it.
      this.waiting.shift();
      next.resolve(this.load(next.id, next.source, next.index, buffer));
    }
  }

  /** Buffers ever allocated (for tests). */
  get allocatedCount(): number {
    return this.allocated;
  }

  /** Buffers held by downloads (for tests). */
  get inUse(): number {
    return this.allocated - this.free.length - this.unused.size;
  }

  /** Chunks read from a file so far, the others were shared (for tests). */
  get readCount(): number {
    return this.reads;
  }
}

/** A reader of an open file for ImageChunkCache. */
export function fileSource(fd: number, key: string, size: number): ChunkSource {
  return {
    key,
    size,
    read: (buffer, length, position) =>
      new Promise((resolve, reject) =>
        fs.read(fd, buffer, 0, length, position, (error, bytesRead) =>
          error ? reject(error) : resolve(bytesRead),
        ),
      ),
  };
}
