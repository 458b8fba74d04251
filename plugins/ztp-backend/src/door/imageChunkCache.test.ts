import { randomBytes } from 'node:crypto';
import { memorySource } from '../__testUtils__/memoryImageSource';
import { ImageChunkCache } from './imageChunkCache';

describe('ImageChunkCache', () => {
  it('gives a buffer back to the first download waiting for one', async () => {
    const chunks = new ImageChunkCache(1024, 1);
    const bytes = randomBytes(4096);
    const from = memorySource('a.bin', bytes);
    const only = chunks.tryAcquire(from, 0)!;
    await only.ready;
    expect(chunks.tryAcquire(from, 1)).toBeUndefined();
    const first = chunks.acquire(from, 1);
    const second = chunks.acquire(from, 2);
    chunks.release(only);
    const got = await first;
    expect(got.index).toBe(1);
    expect(got.buffer).toBe(only.buffer);
    await got.ready;
    expect(got.buffer.equals(bytes.subarray(1024, 2048))).toBe(true);
    chunks.release(got);
    expect((await second).index).toBe(2);
    expect(chunks.allocatedCount).toBe(1);
  });

  it('keeps a chunk nobody holds while a download is behind it, until its buffer is needed, the one furthest back going first', async () => {
    const chunks = new ImageChunkCache(1024, 2);
    const from = memorySource('a.bin', randomBytes(8 * 1024));
    const behind = chunks.openReader('a.bin', 0, 8 * 1024);
    for (const index of [5, 3]) {
      const chunk = chunks.tryAcquire(from, index)!;
      await chunk.ready;
      chunks.release(chunk);
    }
    expect(from.reads).toBe(2);
    // Chunk 7 takes the buffer of chunk 3, behind 5: 5 is still there.
    const seventh = chunks.tryAcquire(from, 7)!;
    await seventh.ready;
    chunks.release(seventh);
    const fifth = chunks.tryAcquire(from, 5)!;
    expect(await fifth.ready).toBe(1024);
    expect(from.reads).toBe(3);
    chunks.release(fifth);
    const third = chunks.tryAcquire(from, 3)!;
    await third.ready;
    expect(from.reads).toBe(4);
    chunks.release(third);
    chunks.closeReader(behind);
  });

  it('keeps no chunk that every download of its image has gone past', async () => {
    const chunks = new ImageChunkCache(1024, 4);
    const from = memorySource('a.bin', randomBytes(8 * 1024));
    // One download past chunk 2, one that ends before it, one of another
    // image at 0.
    const past = chunks.openReader('a.bin', 3 * 1024, 8 * 1024);
    const before = chunks.openReader('a.bin', 0, 2 * 1024);
    const other = chunks.openReader('b.bin', 0, 8 * 1024);
    const second = chunks.tryAcquire(from, 2)!;
    await second.ready;
    chunks.release(second);
    await chunks.tryAcquire(from, 2)!.ready;
    expect(from.reads).toBe(2);
    expect(chunks.allocatedCount).toBe(1);
    for (const reader of [past, before, other]) chunks.closeReader(reader);
  });
});
