import type { Knex } from 'knex';

/**
 * Where the catalog sync keeps the etag each device entity had when it was
 * last processed, so that a restart does not read every declaration again.
 */
export interface SyncEtagStore {
  load(): Promise<Map<string, string>>;
  save(etags: Iterable<[string, string]>): Promise<void>;
  forget(entityRefs: string[]): Promise<void>;
}

const TABLE = 'ztp_catalog_sync_etags';
/** Rows per statement: well under SQLite's and PostgreSQL's bound limits. */
const CHUNK = 400;

/** The etags in the plugin's database (migration catalog_sync_etags). */
export class DatabaseSyncEtagStore implements SyncEtagStore {
  constructor(private readonly db: Knex) {}

  async load() {
    const rows: { entity_ref: string; etag: string }[] = await this.db(
      TABLE,
    ).select('entity_ref', 'etag');
    return new Map(rows.map(r => [r.entity_ref, r.etag]));
  }

  async save(etags: Iterable<[string, string]>) {
    const rows = [...etags].map(([entity_ref, etag]) => ({ entity_ref, etag }));
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.db(TABLE)
        .insert(rows.slice(i, i + CHUNK))
        .onConflict('entity_ref')
        .merge(['etag']);
    }
  }

  async forget(entityRefs: string[]) {
    for (let i = 0; i < entityRefs.length; i += CHUNK) {
      await this.db(TABLE)
        .whereIn('entity_ref', entityRefs.slice(i, i + CHUNK))
        .delete();
    }
  }
}
