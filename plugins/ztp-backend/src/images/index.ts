import type {
  HttpAuthService,
  LoggerService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { ImageCatalog, type ServableImage } from './ImageCatalog';
import { createImagesRouter } from './router';
import { readImageSettings } from './settings';

export { BootstrapImages } from './BootstrapImages';
export { ImageCatalog } from './ImageCatalog';
export type { ServableImage } from './ImageCatalog';
export { readImageSettings } from './settings';
export type { ImageSettings, ImageSpec } from './settings';

/**
 * Approved images: the catalog of ztp.images, verified at startup and on
 * every re-scan of the directory, and its API route.
 */
export async function setupImages(deps: {
  config: Config;
  logger: LoggerService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
}) {
  const settings = readImageSettings(deps.config);
  const listeners: ((images: ServableImage[]) => void)[] = [];
  const catalog = new ImageCatalog({
    directory: settings.directory,
    approved: settings.approved,
    logger: deps.logger,
    onChanged: images => listeners.forEach(l => l(images)),
  });
  const router = await createImagesRouter({ ...deps, catalog });
  return {
    settings,
    catalog,
    router,
    /** Called with the verified images whenever they change. */
    onServableChanged(listener: (images: ServableImage[]) => void) {
      listeners.push(listener);
    },
    /** The first verification, then a re-scan every rescanSeconds. */
    async start() {
      if (!settings.approved.length) return;
      await catalog.scan();
      await deps.scheduler.scheduleTask({
        id: 'ztp-images-rescan',
        scope: 'local',
        frequency: { seconds: settings.rescanSeconds },
        timeout: { minutes: 30 },
        initialDelay: { seconds: settings.rescanSeconds },
        fn: () => catalog.scan(),
      });
    },
  };
}
