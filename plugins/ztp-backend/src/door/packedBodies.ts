import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** A body kept deflated, against the dictionary of its kind (-1: none). */
export type PackedBody = { kind: number; data: string };

/** The opening that, with the content type, says which kind a body is. */
const KIND_OPENING = 16;
/** zlib looks back 32 KiB at most: the rest of a dictionary is unused. */
const MAX_DICTIONARY_BYTES = 32 * 1024;
/** Kinds beyond this many are deflated without a dictionary. */
const MAX_KINDS = 64;

/**
 * Devices' own bootstrap bodies as the door's thread keeps them: deflated,
 * each against the first body of its kind (same content type, same opening)
 * as a zlib dictionary. One device's script differs from the next one's in a
 * few values, so a 4 KB script packs to a few hundred bytes: 10,000 devices'
 * scripts held 24 MB of the door thread's heap as strings. A body is unpacked
 * when its device asks for it, about once per boot; the minimal
 * configurations a storm asks for are kept elsewhere, as they are.
 */
export class PackedBodies {
  private readonly kinds = new Map<string, number>();
  private readonly dictionaries: Buffer[] = [];

  pack(body: string, contentType: string): PackedBody {
    const key = `${contentType}\n${body.slice(0, KIND_OPENING)}`;
    let kind = this.kinds.get(key);
    const bytes = Buffer.from(body);
    if (kind === undefined && this.dictionaries.length < MAX_KINDS) {
      kind = this.dictionaries.length;
      this.kinds.set(key, kind);
      this.dictionaries.push(
        Buffer.from(bytes.subarray(-MAX_DICTIONARY_BYTES)),
      );
    }
    const dictionary = kind === undefined ? undefined : this.dictionaries[kind];
    const packed = deflateRawSync(bytes, dictionary ? { dictionary } : {});
    // A one-byte string of the deflated bytes: in the heap, exactly sized
    // (a Buffer from zlib can hold a 16 KiB chunk for a 200-byte result).
    return { kind: kind ?? -1, data: packed.toString('latin1') };
  }

  unpack(packed: PackedBody): string {
    const dictionary = this.dictionaries[packed.kind];
    return inflateRawSync(
      Buffer.from(packed.data, 'latin1'),
      dictionary ? { dictionary } : {},
    ).toString();
  }
}
