import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';
import { limitSqlitePageCache } from './limitSqlitePageCache';

/**
 * Backstage's database service, with every plugin's SQLite connection
 * keeping SQLite's own default page cache (2 MiB) instead of the 16 MiB
 * better-sqlite3 is built with. Each cache fills up to its database's size
 * and stays: at 10,000 devices the catalog's (a 137 MB file), the app
 * backend's asset cache (14 MB) and the ZTP plugin's (10 MB) held 47 MB of
 * the backend's memory. PostgreSQL connections are left as they are.
 */
export const databaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: {
    config: coreServices.rootConfig,
    lifecycle: coreServices.lifecycle,
    logger: coreServices.logger,
    pluginMetadata: coreServices.pluginMetadata,
    rootLifecycle: coreServices.rootLifecycle,
    rootLogger: coreServices.rootLogger,
  },
  async createRootContext({ config, rootLifecycle, rootLogger }) {
    // As Backstage's own factory: an in-memory SQLite without config.
    const databaseConfig = config.getOptional('backend.database')
      ? config
      : new ConfigReader({
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
        });
    return DatabaseManager.fromConfig(databaseConfig, {
      rootLifecycle,
      rootLogger,
    });
  },
  async factory({ pluginMetadata, lifecycle, logger }, databaseManager) {
    const database = databaseManager.forPlugin(pluginMetadata.getId(), {
      lifecycle,
      logger,
    });
    return {
      migrations: database.migrations,
      getClient: async () => limitSqlitePageCache(await database.getClient()),
    };
  },
});
