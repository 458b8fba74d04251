import type {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ZtpStores } from '../database/ZtpStores';
import type { CredentialVault } from '../credentials/CredentialVault';
import type { PlatformRegistry } from '../platforms/PlatformRegistry';
import type { OpenDeviceCli } from '../deviceSessions';
import { BulkPushJobs } from './BulkPushJobs';
import { FinalConfigRenderer } from './FinalConfigRenderer';
import { FinalConfigService } from './FinalConfigService';
import { createFinalConfigRouter } from './router';
import { readFinalConfigSettings } from './settings';
import type { ImageGate } from '../images/imageGate';

export { BULK_PUSH_HEARTBEAT_MS, BulkPushJobs } from './BulkPushJobs';
export { FinalConfigRenderer } from './FinalConfigRenderer';
export type { RenderedFinalConfig } from './FinalConfigRenderer';
export { FinalConfigService } from './FinalConfigService';
export { createFinalConfigRouter } from './router';
export type { FinalConfigRouterOptions } from './router';
export { JOB_RETENTION_DAYS } from './router';
export { readFinalConfigSettings } from './settings';
export type { FinalConfigSettings } from './settings';
export { pushFinalConfig } from './push';

/**
 * Builds Conf Final for the plugin: settings from config, the renderer with
 * any template overrides, the service, the bulk jobs, and the
 * sub-router to mount on the plugin's router.
 */
export async function setupFinalConfig(deps: {
  config: Config;
  logger: LoggerService;
  stores: Pick<
    ZtpStores,
    'devices' | 'events' | 'serialChecks' | 'bulkPushJobs'
  >;
  vault: Pick<CredentialVault, 'decrypt'>;
  platforms: PlatformRegistry;
  openCli: OpenDeviceCli;
  catalog: Pick<CatalogService, 'getEntityByRef' | 'getEntitiesByRefs'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  urlReader: Pick<UrlReaderService, 'readUrl'>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  onChanged: (entityRef: string) => void;
  imageGate?: ImageGate;
}) {
  const settings = readFinalConfigSettings(deps.config);
  const renderer = new FinalConfigRenderer({
    platforms: deps.platforms,
    overrideDirectories: settings.templateDirectories,
  });
  const service = new FinalConfigService({ ...deps, renderer, settings });
  const jobs = new BulkPushJobs({
    service,
    store: deps.stores.bulkPushJobs,
    concurrency: settings.concurrency,
    logger: deps.logger,
    heartbeatMs: settings.jobHeartbeatMs,
  });
  const router = await createFinalConfigRouter({
    httpAuth: deps.httpAuth,
    permissions: deps.permissions,
    auditor: deps.auditor,
    stores: deps.stores,
    service,
    jobs,
    imageGate: deps.imageGate,
  });
  return { settings, service, jobs, router };
}
