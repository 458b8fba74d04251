import type { Knex } from 'knex';

/** A prepared better-sqlite3 statement, as far as the fast path uses it. */
export type SqliteStatement = {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): any;
  all(...params: unknown[]): any[];
};

/** The better-sqlite3 connection under knex, as far as the fast path uses it. */
type SqliteConnection = {
  prepare(sql: string): SqliteStatement;
  transaction(fn: () => void): { immediate(): void };
};

export type SqliteFastPath = {
  /** A statement prepared once per connection and SQL text. */
  statement(sql: string): SqliteStatement;
  /**
   * Runs fn in one native transaction that takes the write lock up front
   * and holds it only for fn's synchronous run: another connection (the
   * door's worker, a second process) is never kept waiting across an await.
   */
  immediate(fn: () => void): void;
};

const prepared = new WeakMap<SqliteConnection, Map<string, SqliteStatement>>();

export function isSqlite(db: Knex): boolean {
  return db.client.config.client === 'better-sqlite3';
}

/**
 * Runs fn on the better-sqlite3 connection under knex. Knex prepares every
 * statement anew and spreads a transaction over several event-loop turns;
 * the hot paths (fetch recording, serial-check leases) use this instead.
 * Values follow knex's conventions for SQLite: dates as epoch milliseconds,
 * booleans as 0/1.
 */
export async function withSqlite<T>(
  db: Knex,
  fn: (sqlite: SqliteFastPath) => T,
): Promise<T> {
  const client = db.client as {
    acquireConnection(): Promise<SqliteConnection>;
    releaseConnection(connection: SqliteConnection): Promise<unknown>;
  };
  const connection = await client.acquireConnection();
  try {
    let statements = prepared.get(connection);
    if (!statements) {
      statements = new Map();
      prepared.set(connection, statements);
    }
    const cache = statements;
    return fn({
      statement(sql) {
        let statement = cache.get(sql);
        if (!statement) {
          statement = connection.prepare(sql);
          cache.set(sql, statement);
        }
        return statement;
      },
      immediate(body) {
        connection.transaction(body).immediate();
      },
    });
  } finally {
    await client.releaseConnection(connection);
  }
}
