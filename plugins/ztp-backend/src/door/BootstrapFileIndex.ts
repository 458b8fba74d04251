import type { BootstrapFile } from '@ztp-portal/backstage-plugin-ztp-node';
import { BootstrapBodies } from './bootstrapBodies';
import { PackedBodies, type PackedBody } from './packedBodies';

/** One device's bootstrap files, as the door keeps them. */
export type DeviceBootstrap = {
  files: BootstrapFile[];
  /** The token its reports carry (see reportPath). */
  reportToken: string;
};

export type FoundFile = { file: BootstrapFile; entityRef?: string };

/**
 * A file as the index keeps it: a device's own file without its body when
 * the index can render the device again (renderAgain), packed otherwise.
 */
type IndexedFile = Omit<BootstrapFile, 'body'> & {
  body?: string;
  packed?: PackedBody;
};
type IndexedBootstrap = { files: IndexedFile[]; reportToken: string };
type FoundIndexed = { file: IndexedFile; entityRef?: string };

/**
 * The bootstrap files of every device by the name a device asks for. Names
 * are flat (POAP asks for conf_<MAC>.cfg, AutoInstall for network-confg),
 * so a name two devices would both claim with different contents answers
 * nobody rather than the wrong one.
 */
export class BootstrapFileIndex {
  private readonly bodies = new BootstrapBodies();
  /** Devices' own bodies, when they are kept (no renderAgain). */
  private readonly packed: PackedBodies | undefined;
  private readonly devices = new Map<string, IndexedBootstrap>();
  private byName = new Map<string, FoundIndexed | 'ambiguous'>();
  /** Names each device answers with its own file: name → device → file. */
  private bySource = new Map<string, Map<string, IndexedFile>>();
  private byToken = new Map<string, string>();
  private stale = false;

  /**
   * With renderAgain, a device's own files are kept by name only and
   * rendered again when asked for: the main thread's doors (plugin router,
   * TFTP) answer few fetches, and 10,000 devices' bodies cost it ~18 MB.
   * The files every device shares, or that are joined, keep their bodies.
   */
  constructor(
    private readonly options: {
      renderAgain?: (entityRef: string) => DeviceBootstrap | undefined;
    } = {},
  ) {
    this.packed = options.renderAgain ? undefined : new PackedBodies();
  }

  set(entityRef: string, bootstrap: DeviceBootstrap | undefined) {
    if (bootstrap) {
      const files: IndexedFile[] = this.bodies.share(bootstrap.files);
      // A script asked for by MAC and by hostname is one body: packed once.
      const packedOnce = new Map<string, PackedBody>();
      this.devices.set(entityRef, {
        reportToken: bootstrap.reportToken,
        files: files.map(file => this.keptForm(file, packedOnce)),
      });
    } else this.devices.delete(entityRef);
    this.stale = true;
  }

  remove(entityRef: string) {
    if (this.devices.delete(entityRef)) this.stale = true;
  }

  /** Keeps only these devices (a full refresh). */
  retain(entityRefs: Set<string>) {
    for (const ref of [...this.devices.keys()]) {
      if (!entityRefs.has(ref)) this.remove(ref);
    }
  }

  /**
   * The file of that name, and the device it belongs to (none if shared).
   * A name each device answers with its own file is found only for the
   * device asking (recognised by its source address).
   */
  find(name: string, askingDevice?: string): FoundFile | undefined {
    this.rebuild();
    const key = name.toLowerCase();
    const perDevice = this.bySource.get(key);
    if (perDevice) {
      const file = askingDevice && perDevice.get(askingDevice);
      return file
        ? this.withBody({ file, entityRef: askingDevice })
        : undefined;
    }
    const found = this.byName.get(key);
    return found === 'ambiguous' || !found ? undefined : this.withBody(found);
  }

  /** A device's own file without its body, or packed; others as they are. */
  private keptForm(
    file: IndexedFile,
    packedOnce: Map<string, PackedBody>,
  ): IndexedFile {
    if (file.shared === 'identical' || file.shared === 'concatenate') {
      return file;
    }
    const { body, ...rest } = file;
    if (!this.packed || body === undefined) return rest;
    let packed = packedOnce.get(body);
    if (!packed) {
      packed = this.packed.pack(body, file.contentType);
      packedOnce.set(body, packed);
    }
    return { ...rest, packed };
  }

  private withBody(found: FoundIndexed): FoundFile | undefined {
    const { file, entityRef } = found;
    if (hasBody(file)) return found as FoundFile;
    if (file.packed && this.packed) {
      const { packed, ...rest } = file;
      return { file: { ...rest, body: this.packed.unpack(packed) }, entityRef };
    }
    const rendered = entityRef && this.options.renderAgain?.(entityRef);
    const again = rendered
      ? rendered.files.find(
          f => f.name === file.name && f.shared === file.shared,
        )
      : undefined;
    return again ? { file: again, entityRef } : undefined;
  }

  /** Whether each device asking for this name gets its own file. */
  answersBySourceAddress(name: string): boolean {
    this.rebuild();
    return this.bySource.has(name.toLowerCase());
  }

  /** The device whose reports carry this token. */
  deviceOfToken(token: string): string | undefined {
    this.rebuild();
    return this.byToken.get(token.toLowerCase());
  }

  private rebuild() {
    if (!this.stale) return;
    this.stale = false;
    const byName = new Map<string, FoundIndexed | 'ambiguous'>();
    const byToken = new Map<string, string>();
    const bySource = new Map<string, Map<string, IndexedFile>>();
    const concatenated = new Map<
      string,
      { file: IndexedFile; parts: string[] }
    >();
    const refs = [...this.devices.keys()].sort();
    for (const entityRef of refs) {
      const bootstrap = this.devices.get(entityRef)!;
      byToken.set(bootstrap.reportToken.toLowerCase(), entityRef);
      for (const file of bootstrap.files) {
        const key = file.name.toLowerCase();
        if (file.shared === 'by-source-address') {
          const perDevice = bySource.get(key) ?? new Map();
          perDevice.set(entityRef, file);
          bySource.set(key, perDevice);
          continue;
        }
        if (file.shared === 'concatenate') {
          const entry = concatenated.get(key) ?? { file, parts: [] };
          entry.parts.push(file.body ?? '');
          concatenated.set(key, entry);
          continue;
        }
        const existing = byName.get(key);
        if (!existing) {
          byName.set(key, {
            file,
            entityRef: file.shared ? undefined : entityRef,
          });
        } else if (
          existing === 'ambiguous' ||
          !file.shared ||
          existing.file.body !== file.body
        ) {
          byName.set(key, 'ambiguous');
        }
      }
    }
    for (const [key, { file, parts }] of concatenated) {
      byName.set(key, { file: { ...file, body: parts.join('') } });
    }
    this.byName = byName;
    this.byToken = byToken;
    this.bySource = bySource;
  }
}

function hasBody(file: IndexedFile): file is BootstrapFile {
  return file.body !== undefined;
}
