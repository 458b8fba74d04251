import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { BootstrapFile } from '@ztp-portal/backstage-plugin-ztp-node';

/** A bootstrap file as the door keeps it: its body deflated when large. */
export type PackedBootstrapFile = Omit<BootstrapFile, 'body'> & {
  body: string | { family: string; deflated: Buffer };
};

/** Bodies smaller than this are kept as they are (deflating costs ~50 µs). */
const PACK_FROM_BYTES = 1024;

/**
 * Keeps the door's per-device bootstrap scripts small. A device's script
 * (3–7 kB) differs from another device's of the same platform only in a
 * few values, so each body is deflated against the first body seen of its
 * family (same content type, extension and name prefix) as a dictionary:
 * 10,000 devices' scripts take a few MB instead of tens on each thread
 * that serves them. The dictionary of a family never changes, so every
 * body it packed can be inflated.
 */
export class BootstrapBodyPacker {
  private readonly dictionaries = new Map<string, Buffer>();

  pack(file: BootstrapFile): PackedBootstrapFile {
    if (file.shared || Buffer.byteLength(file.body) < PACK_FROM_BYTES) {
      return file;
    }
    const family = familyOf(file);
    let dictionary = this.dictionaries.get(family);
    if (!dictionary) {
      dictionary = Buffer.from(file.body);
      this.dictionaries.set(family, dictionary);
    }
    return {
      ...file,
      body: { family, deflated: deflateRawSync(file.body, { dictionary }) },
    };
  }

  unpack(file: PackedBootstrapFile): BootstrapFile {
    if (typeof file.body === 'string') return file as BootstrapFile;
    const dictionary = this.dictionaries.get(file.body.family)!;
    return {
      ...file,
      body: inflateRawSync(file.body.deflated, { dictionary }).toString(),
    };
  }
}

function familyOf(file: BootstrapFile): string {
  const dot = file.name.lastIndexOf('.');
  const extension = dot < 0 ? '' : file.name.slice(dot + 1).toLowerCase();
  return `${file.contentType}\u0000${extension}\u0000${file.name
    .slice(0, 3)
    .toLowerCase()}`;
}
