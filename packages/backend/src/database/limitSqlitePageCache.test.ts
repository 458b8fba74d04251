import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { databaseServiceFactory } from './databaseServiceFactory';
import { SQLITE_PAGE_CACHE_KIB } from './limitSqlitePageCache';

/** A plugin that reads its connection's page cache through knex. */
function cacheReader(id: string, read: (kib: number) => void) {
  return createBackendPlugin({
    pluginId: id,
    register(env) {
      env.registerInit({
        deps: { database: coreServices.database },
        async init({ database }) {
          const knex = await database.getClient();
          const cacheKib = async () =>
            -(await knex.raw('PRAGMA cache_size'))[0].cache_size;
          read(await cacheKib());
          // The pool closes its idle connection (see the config below)
          // and makes a new one for the next query.
          const created = new Promise(resolve =>
            knex.client.pool.on('createSuccess', resolve),
          );
          await new Promise(resolve => setTimeout(resolve, 300));
          read(await cacheKib());
          await created;
        },
      });
    },
  });
}

jest.setTimeout(30_000);

describe('databaseServiceFactory', () => {
  const sqlite = mockServices.rootConfig.factory({
    data: {
      backend: {
        database: {
          client: 'better-sqlite3',
          connection: ':memory:',
          // Idle connections closed at once.
          knexConfig: {
            pool: { min: 0, idleTimeoutMillis: 50, reapIntervalMillis: 20 },
          },
        },
      },
    },
  });

  it("gives every plugin's SQLite connections SQLite's own page cache", async () => {
    const read: number[] = [];
    const backend = await startTestBackend({
      features: [
        sqlite,
        databaseServiceFactory,
        cacheReader('first', kib => read.push(kib)),
        cacheReader('second', kib => read.push(kib)),
      ],
    });
    await backend.stop();
    expect(read).toEqual([
      SQLITE_PAGE_CACHE_KIB,
      SQLITE_PAGE_CACHE_KIB,
      SQLITE_PAGE_CACHE_KIB,
      SQLITE_PAGE_CACHE_KIB,
    ]);
  });

  it("changes what Backstage's own service leaves (better-sqlite3's build)", async () => {
    const read: number[] = [];
    const backend = await startTestBackend({
      features: [sqlite, cacheReader('first', kib => read.push(kib))],
    });
    await backend.stop();
    expect(read[0]).toBeGreaterThan(SQLITE_PAGE_CACHE_KIB);
  });
});
