import type {
  AuditorService,
  DatabaseService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import type { ZtpImageApproval } from '@ztp-portal/backstage-plugin-ztp-common';
import type { CredentialVault } from '../../credentials/CredentialVault';
import type { ZtpStores } from '../../database/ZtpStores';
import type { PlatformRegistry } from '../../platforms/PlatformRegistry';
import type { DeviceCliSession, OpenDeviceCliOptions } from '../../ssh';
import type { ImageCatalog } from '../ImageCatalog';
import { ImageUpgrades } from './ImageUpgrades';
import { ImageUpgradeStore } from './ImageUpgradeStore';
import { createUpgradeRouter } from './router';
import { readUpgradeSettings } from './settings';

export { ImageUpgradeStore } from './ImageUpgradeStore';
export { ImageUpgrades } from './ImageUpgrades';
export { readUpgradeSettings } from './settings';

/**
 * Upgrades to the approved image: the service, its routes, and the sweep
 * that starts automatic upgrades and fails those whose replica stopped.
 */
export async function setupImageUpgrades(deps: {
  config: Config;
  database: DatabaseService;
  logger: LoggerService;
  scheduler: SchedulerService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  auditor: AuditorService;
  stores: Pick<ZtpStores, 'devices' | 'events'>;
  catalog: ImageCatalog;
  /** ztp.images.approved, for the count of devices needing an upgrade. */
  approved: readonly ZtpImageApproval[];
  platforms: PlatformRegistry;
  vault: CredentialVault;
  openCli: (options: OpenDeviceCliOptions) => Promise<DeviceCliSession>;
  ssh: { managementNetworks: string[]; connectTimeoutMs: number };
  doorUrl: string;
  onChanged: (entityRef: string) => void;
}) {
  const settings = readUpgradeSettings(deps.config);
  // The table comes with the plugin's migrations, run when the store opened.
  const upgradeStore = new ImageUpgradeStore(await deps.database.getClient());
  const upgrades = new ImageUpgrades({
    ...deps,
    upgrades: upgradeStore,
    settings,
  });
  const router = await createUpgradeRouter({
    ...deps,
    upgrades,
    upgradeStore,
    // The Image filter's own SQL, counted.
    countUpgradeNeeded: async () =>
      (
        await deps.stores.devices.listDevices(
          { image: 'upgrade-needed', limit: 1 },
          deps.approved,
        )
      ).totalCount,
  });
  return {
    settings,
    upgrades,
    upgradeStore,
    router,
    async start() {
      await deps.scheduler.scheduleTask({
        id: 'ztp-images-upgrade-sweep',
        scope: 'local',
        frequency: { seconds: settings.sweepSeconds },
        timeout: { minutes: 5 },
        initialDelay: { seconds: Math.min(5, settings.sweepSeconds) },
        fn: () => upgrades.sweep(),
      });
    },
    stop: () => upgrades.stop(),
  };
}
