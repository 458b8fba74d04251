import { Readable } from 'node:stream';
import {
  coreServices,
  createBackendModule,
  type SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import searchPlugin from '@backstage/plugin-search-backend';
import postgresSearchEngine from '@backstage/plugin-search-backend-module-pg';
import type { Knex } from 'knex';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import request from 'supertest';
import { searchModuleZtp } from './module';
import { CATALOG_DOCUMENT_TYPE } from './NetworkDeviceFilter';

/** The catalog collator's documents of a small site, as it makes them. */
const documents = [
  ['ztp-portal', 'Component', 'service'],
  ['leaf-01-par1', 'Resource', 'network-device'],
  ['inventory-db', 'Resource', 'database'],
].map(([name, kind, type]) => ({
  title: name,
  text: `${name} of the par1 site`,
  location: `/catalog/default/${kind.toLowerCase()}/${name}`,
  kind,
  type,
  componentType: type,
  namespace: 'default',
  lifecycle: '',
  owner: 'group:default/network-operators',
  authorization: { resourceRef: `${kind.toLowerCase()}:default/${name}` },
}));

/** The search plugin's scheduler, to run its collation in the test. */
let searchScheduler: SchedulerService;

const siteCollator = createBackendModule({
  pluginId: 'search',
  moduleId: 'test-site-collator',
  register(reg) {
    reg.registerInit({
      deps: {
        indexRegistry: searchIndexRegistryExtensionPoint,
        scheduler: coreServices.scheduler,
      },
      async init({ indexRegistry, scheduler }) {
        searchScheduler = scheduler;
        indexRegistry.addCollator({
          schedule: scheduler.createScheduledTaskRunner({
            frequency: { minutes: 10 },
            timeout: { minutes: 1 },
          }),
          factory: {
            type: CATALOG_DOCUMENT_TYPE,
            getCollator: async () => Readable.from(documents),
          },
        });
      },
    });
  },
});

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

/**
 * Titles the search API answers for "par1", once the index is built: the
 * portal's search plugin with PostgreSQL's engine, which takes over on
 * PostgreSQL (production) and leaves Lunr, in memory, on SQLite.
 */
async function searchTitles(knex: Knex, config: object) {
  const { server } = await startTestBackend({
    features: [
      searchPlugin,
      postgresSearchEngine,
      siteCollator,
      searchModuleZtp,
      mockServices.rootConfig.factory({ data: config }),
      mockServices.database.factory({ knex }),
    ],
  });
  // The collation the search plugin scheduled at start, run to its end.
  for (const task of await searchScheduler.getScheduledTasks()) {
    await searchScheduler.triggerTask(task.id);
  }
  const res = await request(server)
    .get('/api/search/query?term=par1')
    .set('authorization', mockCredentials.user.header());
  expect(res.status).toBe(200);
  return res.body.results
    .map((r: { document: { title: string } }) => r.document.title)
    .sort();
}

describe.each(databases.eachSupportedId())(
  'the search module of ZTP on %p',
  databaseId => {
    it('leaves network devices out of the search index by default', async () => {
      const knex = await databases.init(databaseId);
      expect(await searchTitles(knex, {})).toEqual([
        'inventory-db',
        'ztp-portal',
      ]);
    });

    it('puts them in with ztp.search.indexDevices', async () => {
      const knex = await databases.init(databaseId);
      expect(
        await searchTitles(knex, { ztp: { search: { indexDevices: true } } }),
      ).toEqual(['inventory-db', 'leaf-01-par1', 'ztp-portal']);
      // On PostgreSQL the index is the database's, not the backend's memory.
      const inDatabase = await knex.schema.hasTable('documents');
      expect(inDatabase).toBe(databaseId === 'POSTGRES_15');
    });
  },
);
