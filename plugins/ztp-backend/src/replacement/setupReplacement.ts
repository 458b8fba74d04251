import type {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import type { ZtpStores } from '../database/ZtpStores';
import type { CredentialVault } from '../credentials/CredentialVault';
import type { PlatformRegistry } from '../platforms/PlatformRegistry';
import { DeviceReplacement } from './DeviceReplacement';
import { ReplacementFollowUp } from './ReplacementFollowUp';
import { ReplacementJobs } from './ReplacementJobs';
import { createReplacementRouter } from './router';
import type { ReplacementSettings } from './settings';

/**
 * Replace device (RMA), Re-provision, replacement lists and stuck
 * devices: the use case, its CSV jobs, the follow-up that pushes the
 * final configuration to a replaced device, and the router.
 */
export async function setupReplacement(deps: {
  settings: ReplacementSettings;
  stores: Pick<
    ZtpStores,
    | 'devices'
    | 'events'
    | 'serialCorrections'
    | 'replacements'
    | 'replacementJobs'
  >;
  vault: Pick<CredentialVault, 'generateAccount' | 'encrypt'>;
  platforms: PlatformRegistry;
  hasher: {
    hash(driver: ZtpPlatformDriver, password: string): Promise<string>;
  };
  push: (entityRef: string, actor: string) => Promise<{ ok: boolean }>;
  catalog: Pick<CatalogService, 'refreshEntity'>;
  auth: { getOwnServiceCredentials(): Promise<BackstageCredentials> };
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  onChanged: (entityRef: string) => void;
}) {
  const { stores, catalog, auth, logger, onChanged } = deps;
  const replacements = stores.replacements;
  const replacement = new DeviceReplacement({
    stores,
    replacements,
    vault: deps.vault,
    platforms: deps.platforms,
    hasher: deps.hasher,
    catalog,
    auth,
    logger,
    autoPush: deps.settings.autoPush,
    onChanged,
  });
  const jobs = new ReplacementJobs({
    replacement,
    store: stores.replacementJobs,
    devices: stores.devices,
    logger,
  });
  const followUp = new ReplacementFollowUp({
    stores,
    replacements,
    push: deps.push,
    catalog,
    auth,
    logger,
    onChanged,
  });
  const router = await createReplacementRouter({
    httpAuth: deps.httpAuth,
    permissions: deps.permissions,
    auditor: deps.auditor,
    stores,
    replacements,
    replacement,
    jobs,
    stuckAfterMs: deps.settings.stuckAfterMs,
  });
  return { jobs, followUp, router };
}
