import { createHash } from 'node:crypto';
import type { SyncEtagStore } from './SyncEtagStore';

/**
 * Changed whenever declarationFromEntity reads entities differently, so
 * that the etags kept by an older version do not skip them.
 */
const DECLARATION_READING_VERSION = 1;

/**
 * The catalog etag each device entity had when the queue last committed it
 * (invalid ones too): an entity with the same etag is not read again. Kept
 * in the database when a store is given, under the reading of declarations
 * (this code's version and the installed platforms), so that a restart
 * skips unchanged devices and an added platform module gets every device
 * read again.
 */
export class KnownEtags {
  private readonly etags = new Map<string, string>();
  private loaded = false;

  constructor(
    private readonly options: {
      store?: SyncEtagStore;
      platformIds: () => Iterable<string>;
    },
  ) {}

  /** Reads the etags kept by the last process, once. */
  async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    if (!this.options.store) return;
    const prefix = `${this.readingVersion()}:`;
    for (const [ref, kept] of await this.options.store.load()) {
      if (kept.startsWith(prefix))
        this.etags.set(ref, kept.slice(prefix.length));
    }
  }

  /** The entity changed since it was committed (or was never committed). */
  changed(ref: string, etag: string | undefined): boolean {
    return !etag || this.etags.get(ref) !== etag;
  }

  /** Remembers what a page committed; a crash before this only means a re-read. */
  async commit(committed: [string, string][]): Promise<void> {
    if (this.options.store) {
      const version = this.readingVersion();
      await this.options.store.save(
        committed.map(([ref, etag]) => [ref, `${version}:${etag}`]),
      );
    }
    for (const [ref, etag] of committed) this.etags.set(ref, etag);
  }

  /** Forgets the entities a whole pass did not see (a returning one is read again). */
  async forgetUnseen(seen: Set<string>): Promise<void> {
    const forgotten = [...this.etags.keys()].filter(ref => !seen.has(ref));
    await this.options.store?.forget(forgotten);
    for (const ref of forgotten) this.etags.delete(ref);
  }

  /** What a declaration's reading depends on besides its entity. */
  private readingVersion(): string {
    return createHash('sha1')
      .update(
        `${DECLARATION_READING_VERSION}\n${[...this.options.platformIds()]
          .sort()
          .join(',')}`,
      )
      .digest('hex')
      .slice(0, 12);
  }
}
