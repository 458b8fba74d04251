import type { ChunkSource } from '../door/imageChunkCache';

/** An in-memory image whose reads are counted. */
export function memorySource(
  key: string,
  bytes: Buffer,
): ChunkSource & { reads: number } {
  const source = {
    key,
    size: bytes.length,
    reads: 0,
    read: async (buffer: Buffer, length: number, position: number) => {
      source.reads++;
      return bytes.copy(buffer, 0, position, position + length);
    },
  };
  return source;
}
