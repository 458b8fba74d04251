import type { DatabaseService } from '@backstage/backend-plugin-api';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

/** SQLite's own default page cache, in KiB (better-sqlite3 builds 16,000). */
export const SQLITE_PAGE_CACHE_KIB = 2000;

type SqliteConnection = { pragma(source: string): unknown };
type Pool = {
  on(event: 'createSuccess', listener: (id: number, c: unknown) => void): void;
};

const limited = new WeakSet<Knex>();

/**
 * Sets the page cache of a better-sqlite3 client's connections: those the
 * pool makes from now on, and the one it may hold already. Other clients
 * are returned untouched.
 */
export async function limitSqlitePageCache(
  knex: Knex,
  kib: number = SQLITE_PAGE_CACHE_KIB,
): Promise<Knex> {
  if (knex.client.config.client !== 'better-sqlite3' || limited.has(knex)) {
    return knex;
  }
  limited.add(knex);
  const pragma = `cache_size = -${kib}`;
  (knex.client.pool as Pool | undefined)?.on('createSuccess', (_id, c) =>
    (c as SqliteConnection).pragma(pragma),
  );
  await knex.raw(`PRAGMA ${pragma}`);
  return knex;
}
