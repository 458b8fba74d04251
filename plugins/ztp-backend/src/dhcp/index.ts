import type {
  AuditorService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { UpgradeImage } from '@ztp-portal/backstage-plugin-ztp-node';
import type { Knex } from 'knex';
import type { ZtpStores } from '../database/ZtpStores';
import type { PlatformRegistry } from '../platforms/PlatformRegistry';
import { DhcpApplier } from './DhcpApplier';
import { DhcpApplyStore } from './DhcpApplyStore';
import { DhcpService } from './DhcpService';
import type { DhcpDevice } from './generateKeaConfig';
import { keaControlFromSettings } from './KeaControlClient';
import {
  KeaCommandLeaseSource,
  KeaLeaseSource,
  KeaMemfileLeaseSource,
} from './KeaLeaseReader';
import { createDhcpRouter } from './router';
import { readDhcpSettings } from './settings';

export { generateKeaConfig } from './generateKeaConfig';
export type { GeneratedKeaConfig, DhcpDevice } from './generateKeaConfig';
export { readDhcpSettings } from './settings';
export type { DhcpSettings } from './settings';

/** The scheduler task that applies changes to Kea (one replica at a time). */
export const DHCP_APPLY_TASK_ID = 'ztp-dhcp-apply';

/**
 * Builds DHCP from the catalog for the plugin: the generator over the
 * queue, the router, and, with a Kea control endpoint, the applier and the
 * lease source.
 */
export async function setupDhcp(deps: {
  config: Config;
  db: Knex;
  stores: Pick<ZtpStores, 'devices'>;
  platforms: Pick<PlatformRegistry, 'get'>;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  /** Why the TFTP door that options 66/150 name is not serving, if so. */
  tftpProblem?: () => string | undefined;
  /** The image a device's agent takes while it boots (Junos option 43 sub-option 00). */
  imageFor?: (device: DhcpDevice) => UpgradeImage | undefined;
}) {
  const settings = readDhcpSettings(deps.config);
  const control = keaControlFromSettings(settings.control);
  let leases: KeaLeaseSource | undefined;
  if (control && settings.leaseCommandsLibrary) {
    leases = new KeaCommandLeaseSource(control);
  } else if (settings.leaseFile) {
    leases = new KeaMemfileLeaseSource(settings.leaseFile);
  }
  const service = new DhcpService({
    settings,
    stores: deps.stores,
    platforms: deps.platforms,
    leases,
    tftpProblem: deps.tftpProblem,
    imageFor: deps.imageFor,
  });
  const applier = control
    ? new DhcpApplier({
        control,
        store: new DhcpApplyStore(deps.db),
        generate: () => service.generate(),
        auditor: deps.auditor,
        logger: deps.logger,
      })
    : undefined;
  const router = await createDhcpRouter({
    httpAuth: deps.httpAuth,
    permissions: deps.permissions,
    service,
    status: async () =>
      applier ? applier.status() : { mode: 'download' as const },
  });
  return { settings, service, applier, router };
}
