import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { CatalogFileWatcher } from './CatalogFileWatcher';

/**
 * Catalog module that reads a catalog file again as soon as it changes on
 * disk (CatalogFileWatcher), so that hand edits do not wait for the
 * catalog's processing interval. It is what lets a site with thousands of
 * devices in files set a long `catalog.processingInterval`.
 *
 * @public
 */
export const catalogModuleFileWatch = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'file-watch',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogServiceRef,
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
      },
      async init({ catalog, auth, config, logger, scheduler, lifecycle }) {
        const configFiles = (
          config.getOptionalConfigArray('catalog.locations') ?? []
        )
          .filter(location => location.getString('type') === 'file')
          .map(location => location.getString('target'));
        const watcher = new CatalogFileWatcher({
          catalog,
          auth,
          logger,
          configFiles,
        });
        // Each replica watches its own disk.
        await scheduler.scheduleTask({
          id: 'catalog-file-watch-discovery',
          scope: 'local',
          frequency: { minutes: 1 },
          timeout: { minutes: 1 },
          initialDelay: { seconds: 15 },
          fn: () => watcher.discover(),
        });
        lifecycle.addShutdownHook(() => watcher.close());
      },
    });
  },
});
