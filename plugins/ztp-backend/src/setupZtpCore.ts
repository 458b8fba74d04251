import type {
  DatabaseService,
  LoggerService,
  PermissionsRegistryService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import { ztpPermissions } from '@ztp-portal/backstage-plugin-ztp-common';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import { readZtpConfig } from './config';
import { openZtpStores } from './database/ZtpStores';
import { DoorQueueView } from './door/DoorQueueView';
import { readReplacementSettings } from './replacement';
import { verifySecretsKey } from './secrets/keyCheck';
import { BootstrapRenderer } from './platforms/BootstrapRenderer';
import { createZtpSignalPublisher } from './signals/createZtpSignalPublisher';
import { CredentialVault } from './credentials/CredentialVault';
import { MinimalConfigRenderer } from './platforms/MinimalConfigRenderer';
import { PlatformRegistry } from './platforms/PlatformRegistry';
import { SerialCheckService } from './serialChecks/SerialCheckService';
import { openDeviceCli } from './ssh';

/**
 * The parts every ZTP concern shares: settings, the platforms, the stores
 * (opened only with the right secrets key), the credential vault, the
 * live updates, the door's view of the queue and the serial checks.
 */
export async function setupZtpCore(
  deps: {
    config: RootConfigService;
    database: DatabaseService;
    logger: LoggerService;
    permissionsRegistry: PermissionsRegistryService;
    signals: SignalsService;
  },
  addedPlatforms: ZtpPlatformDriver[],
) {
  const { config, logger } = deps;
  const settings = readZtpConfig(config);
  const replacementSettings = readReplacementSettings(config);
  const vault = CredentialVault.fromConfig(config);
  // Every platform is a module: the core knows only what they added.
  const platforms = new PlatformRegistry(addedPlatforms);
  deps.permissionsRegistry.addPermissions(ztpPermissions);

  const { stores, checkpoint } = await openZtpStores({
    database: deps.database,
  });
  // A wrong key stops the backend here, before anything decrypts.
  if ((await verifySecretsKey(stores.secretsKey, vault)) === 'created') {
    logger.info('Stored the key check value of ztp.secrets.key');
  }
  const renderer = new BootstrapRenderer(
    new MinimalConfigRenderer(platforms, settings.templateOverrides),
    platforms,
    settings.provisioning.deviceUrl,
  );
  const publisher = createZtpSignalPublisher({
    signals: deps.signals,
    logger,
    stores,
    windowMs: settings.signalWindowMs,
    stuckAfterMs: replacementSettings.stuckAfterMs,
  });
  const serialChecks = new SerialCheckService({
    stores,
    vault,
    platforms,
    openCli: openDeviceCli,
    logger,
    settings: settings.serialCheck,
    onChanged: ref => publisher.changed(ref),
  });
  return {
    settings,
    replacementSettings,
    vault,
    platforms,
    stores,
    checkpoint,
    renderer,
    doorView: new DoorQueueView({ stores, renderer, logger }),
    publisher,
    serialChecks,
  };
}

/** The shared parts, as the set-up of each concern receives them. */
export type ZtpCore = Awaited<ReturnType<typeof setupZtpCore>>;
