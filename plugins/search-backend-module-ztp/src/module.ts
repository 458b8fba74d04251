import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { searchIndexRegistryExtensionPoint } from '@backstage/plugin-search-backend-node/alpha';
import { networkDeviceFilterFactory } from './NetworkDeviceFilter';

/** The config key that puts network devices in Backstage's search index. */
export const INDEX_DEVICES_KEY = 'ztp.search.indexDevices';

/**
 * Search module that leaves network devices out of the catalog's search
 * documents, unless `ztp.search.indexDevices` is true. The ZTP page searches
 * devices itself (name, hostname, MAC, serial, address) in the database;
 * Backstage's default search engine, Lunr, holds its whole index in the
 * backend's memory, about 16 kB per device: 160 MB at 10,000 devices, built
 * again beside the old one at every collation. With a search engine that
 * keeps its index elsewhere (PostgreSQL's, in production), set it true.
 *
 * @public
 */
export const searchModuleZtp = createBackendModule({
  pluginId: 'search',
  moduleId: 'ztp',
  register(reg) {
    reg.registerInit({
      deps: {
        indexRegistry: searchIndexRegistryExtensionPoint,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
      },
      async init({ indexRegistry, config, logger }) {
        if (config.getOptionalBoolean(INDEX_DEVICES_KEY) ?? false) return;
        indexRegistry.addDecorator({ factory: networkDeviceFilterFactory });
        logger.info(
          `Network devices are left out of the search index (the ZTP page searches them; ${INDEX_DEVICES_KEY}: true puts them in)`,
        );
      },
    });
  },
});
