import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  locationSpecToMetadataName,
  type CatalogService,
} from '@backstage/plugin-catalog-node';
import { watch, type FSWatcher } from 'chokidar';
import path from 'node:path';

/** The annotation every entity read from a file carries: `file:<path>`. */
const MANAGED_BY_LOCATION =
  'metadata.annotations.backstage.io/managed-by-location';

/**
 * Watches the files the catalog reads (its `file` locations and every file
 * an entity says it was read from) and, when one changes, asks the catalog
 * to read it again: the Location entity of a configured file, or the
 * Location ancestors of an entity read from a nested one. Changed entities
 * then go to the front of the catalog's processing queue, so a hand edit
 * shows within seconds whatever `catalog.processingInterval` is.
 */
export class CatalogFileWatcher {
  private readonly watcher: FSWatcher;
  private readonly watched = new Set<string>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly configFiles: Set<string>;

  constructor(
    private readonly options: {
      catalog: Pick<
        CatalogService,
        'getEntityFacets' | 'queryEntities' | 'refreshEntity'
      >;
      auth: Pick<AuthService, 'getOwnServiceCredentials'>;
      logger: LoggerService;
      /** The `file` targets of `catalog.locations`, absolute. */
      configFiles: string[];
      /** Quiet time after a file's last change before it is read again. */
      settleMs?: number;
    },
  ) {
    this.configFiles = new Set(options.configFiles.map(f => path.resolve(f)));
    // A save that replaces the file (most editors) is an unlink then an
    // add: chokidar reports it as a change of the same path.
    this.watcher = watch([], { ignoreInitial: true, atomic: true });
    this.watcher.on('change', file => this.changed(file));
    this.watcher.on('add', file => this.changed(file));
    this.watcher.on('error', error =>
      options.logger.warn(`Cannot watch a catalog file: ${error}`),
    );
    this.watch([...this.configFiles]);
  }

  /** Files the catalog read since the last look: watched from now on. */
  async discover() {
    const { catalog, auth } = this.options;
    const { facets } = await catalog.getEntityFacets(
      { facets: [MANAGED_BY_LOCATION] },
      { credentials: await auth.getOwnServiceCredentials() },
    );
    this.watch(
      (facets[MANAGED_BY_LOCATION] ?? [])
        .map(f => f.value)
        .filter(v => v.startsWith('file:'))
        .map(v => path.resolve(v.slice('file:'.length))),
    );
  }

  /** Whether a change of this file is acted on. */
  isWatched(file: string) {
    return this.watched.has(path.resolve(file));
  }

  async close() {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    await this.watcher.close();
  }

  private watch(files: string[]) {
    const added = files.filter(f => !this.watched.has(f));
    if (!added.length) return;
    for (const f of added) this.watched.add(f);
    this.watcher.add(added);
  }

  /** Writes come in bursts (a large file, an editor's save): one read. */
  private changed(file: string) {
    const resolved = path.resolve(file);
    if (!this.watched.has(resolved)) return;
    clearTimeout(this.pending.get(resolved));
    this.pending.set(
      resolved,
      setTimeout(() => {
        this.pending.delete(resolved);
        this.readAgain(resolved).catch(error =>
          this.options.logger.warn(
            `Could not ask the catalog to read ${resolved} again: ${error}`,
          ),
        );
      }, this.options.settleMs ?? 1000),
    );
  }

  private async readAgain(file: string) {
    const { catalog, auth, logger } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    let entityRef: string | undefined;
    if (this.configFiles.has(file)) {
      entityRef = `location:default/${locationSpecToMetadataName({
        type: 'file',
        target: file,
      })}`;
    } else {
      // Refreshing an entity refreshes the Location entities above it,
      // the one that reads this file among them.
      const { items } = await catalog.queryEntities(
        {
          filter: { [MANAGED_BY_LOCATION]: `file:${file}` },
          limit: 1,
          fields: ['kind', 'metadata.namespace', 'metadata.name'],
        },
        { credentials },
      );
      entityRef = items[0] && stringifyEntityRef(items[0]);
    }
    if (!entityRef) return;
    await catalog.refreshEntity(entityRef, { credentials });
    logger.info(`${file} changed: the catalog reads it again`);
  }
}
