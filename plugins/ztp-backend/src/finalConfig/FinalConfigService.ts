import type {
  AuthService,
  LoggerService,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ZtpFinalConfigPreview,
  ZtpPushResult,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import { createTwoFilesPatch } from 'diff';
import type { DeviceRecord, NewEvent } from '../database/types';
import type { ZtpStores } from '../database/ZtpStores';
import type { CredentialVault } from '../credentials/CredentialVault';
import { toZtpDevice } from '../deviceView';
import type { PlatformRegistry } from '../platforms/PlatformRegistry';
import { OpenDeviceCli, openQueuedDeviceSession } from '../deviceSessions';
import { presentedHostKeyOf } from '../ssh/errors';
import { DeviceCatalogView } from './DeviceCatalogView';
import type {
  FinalConfigRenderer,
  RenderedFinalConfig,
} from './FinalConfigRenderer';
import { buildFinalConfigModel } from './model';
import { pushFinalConfig, PushSession } from './push';
import { pushStanding } from './pushStanding';
import type { FinalConfigSettings } from './settings';
import { VariablesReader } from './VariablesReader';

export type FinalConfigServiceOptions = {
  stores: Pick<ZtpStores, 'devices' | 'events' | 'serialChecks'>;
  vault: Pick<CredentialVault, 'decrypt'>;
  platforms: PlatformRegistry;
  openCli: OpenDeviceCli;
  catalog: Pick<CatalogService, 'getEntityByRef' | 'getEntitiesByRefs'>;
  auth: Pick<AuthService, 'getOwnServiceCredentials'>;
  urlReader: Pick<UrlReaderService, 'readUrl'>;
  renderer: FinalConfigRenderer;
  logger: LoggerService;
  settings: FinalConfigSettings;
  /** Called whenever a device's Conf Final state changes (signals). */
  onChanged: (entityRef: string) => void;
};

function message(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}

/**
 * Conf Final: renders each device's production configuration from its
 * catalog entity and variables, previews it against the running one, and
 * pushes it with the platform's safe procedure, recording every step in the
 * device's timeline and Conf Final state.
 */
export class FinalConfigService {
  private readonly catalogView: DeviceCatalogView;
  private readonly variables: VariablesReader;
  /** Devices with a push running in this process. */
  private readonly pushing = new Set<string>();

  constructor(private readonly options: FinalConfigServiceOptions) {
    this.catalogView = new DeviceCatalogView(options.catalog, options.auth);
    this.variables = new VariablesReader(options.urlReader);
  }

  private async device(entityRef: string): Promise<DeviceRecord> {
    const device = await this.options.stores.devices.getDevice(entityRef);
    if (!device) {
      throw new NotFoundError(`No device ${entityRef} in the ZTP queue`);
    }
    return device;
  }

  /** Renders the final configuration of a device of the queue. */
  async render(entityRef: string): Promise<RenderedFinalConfig> {
    return this.renderFor(await this.device(entityRef));
  }

  private async renderFor(device: DeviceRecord): Promise<RenderedFinalConfig> {
    const entity = await this.catalogView.entity(device.entityRef);
    const { variables } = await this.variables.read(entity);
    const catalog = await this.catalogView.neighbourhood(
      entity,
      variables.multichassis?.peer,
    );
    const model = buildFinalConfigModel(
      {
        entityRef: device.entityRef,
        name: device.name,
        namespace: device.namespace,
        hostname: device.hostname,
        platform: device.platform,
        role: device.role,
        site: device.site,
        managementAddress: device.managementAddress,
        managementInterface: device.managementInterface,
        managementVrf: device.managementVrf,
        defaultGateway: device.defaultGateway,
        localUsername: device.localUsername,
      },
      catalog,
      variables,
      this.options.platforms.get(device.platform)?.finalConfig,
    );
    try {
      return this.options.renderer.render(model);
    } catch (error) {
      throw new InputError(message(error));
    }
  }

  /**
   * The rendered configuration, and when the device can be reached its
   * running configuration and the difference between them. The account
   * removal is shown after the configuration, as the push applies it.
   * With readRunning false nothing logs in to the device: the device page
   * asks that way whether the configuration can be rendered at all.
   */
  async preview(
    entityRef: string,
    options: { readRunning?: boolean } = {},
  ): Promise<ZtpFinalConfigPreview> {
    const device = await this.device(entityRef);
    const rendered = await this.renderFor(device);
    const c =
      this.options.platforms.get(device.platform)?.finalConfig?.commentPrefix ??
      '#';
    const text = `${rendered.config}${c}\n${c} Applied last, once the configuration above is verified:\n${rendered.accountRemoval}`;
    let running: string | undefined;
    let runningError: string | undefined;
    if (options.readRunning === false) {
      // Rendered only.
    } else if (device.confFinalState === 'pushed') {
      runningError =
        'The final configuration was pushed and the bootstrap account removed: the portal can no longer log in to read the running configuration';
    } else if (device.serialState !== 'checked') {
      runningError =
        'The running configuration is read once the serial is Checked (the portal only logs in to identified devices)';
    } else {
      try {
        const driver = this.options.platforms.require(device.platform);
        if (!driver.readRunningConfig) {
          throw new Error(`the ${driver.displayName} driver cannot read it`);
        }
        const session = await this.openSession(device, driver);
        try {
          running = await driver.readRunningConfig(session.cli);
        } finally {
          session.close();
        }
      } catch (error) {
        runningError = `The running configuration could not be read: ${message(
          error,
        )}`;
      }
    }
    return {
      rendered: text,
      running,
      runningError,
      diff:
        running !== undefined
          ? createTwoFilesPatch(
              'running-config',
              'final-config',
              running,
              rendered.config,
              undefined,
              undefined,
              { context: 3 },
            )
          : undefined,
    };
  }

  /**
   * Why a device cannot be pushed now, or undefined. Checked first by
   * single and bulk pushes so that a refused push changes nothing.
   */
  refusal(
    device: DeviceRecord | undefined,
    entityRef: string,
    options?: { takingOver?: boolean },
  ): Error | undefined {
    const standing = pushStanding(device, entityRef);
    if (standing || !device) return standing;
    if (this.isPushing(device, options?.takingOver)) {
      return new ConflictError(`A push to ${entityRef} is already running`);
    }
    if (!this.options.platforms.get(device.platform)?.push) {
      return new ConflictError(
        `No push procedure for platform ${device.platform}`,
      );
    }
    return undefined;
  }

  private isPushing(device: DeviceRecord, takingOver = false): boolean {
    if (this.pushing.has(device.entityRef)) return true;
    // A bulk push taken over from a dead replica may find the device left
    // "pushing" by it: nobody is pushing it anymore.
    if (takingOver) return false;
    // Another replica's push; a crashed one stops counting after its deadline.
    const stale =
      Date.now() - device.updatedAt.getTime() >
      this.options.settings.deadlineMs * 2;
    return device.confFinalState === 'pushing' && !stale;
  }

  /** Pushes one device's final configuration; throws when refused. */
  async push(
    entityRef: string,
    actor: string,
    options?: { takingOver?: boolean },
  ): Promise<ZtpPushResult> {
    const device = await this.options.stores.devices.getDevice(entityRef);
    const refusal = this.refusal(device, entityRef, options);
    if (refusal) throw refusal;
    this.pushing.add(entityRef);
    try {
      return await this.run(device!, actor);
    } finally {
      this.pushing.delete(entityRef);
    }
  }

  private async run(
    device: DeviceRecord,
    actor: string,
  ): Promise<ZtpPushResult> {
    const { stores, onChanged, logger, settings } = this.options;
    const ref = device.entityRef;
    const event = (e: Omit<NewEvent, 'entityRef' | 'actor'>): NewEvent => ({
      ...e,
      entityRef: ref,
      actor,
    });
    const label = `ztp-final-${Date.now().toString(36)}`;

    let rendered: RenderedFinalConfig | undefined;
    let error: string | undefined;
    try {
      rendered = await this.renderFor(device);
    } catch (e) {
      error = `the final configuration could not be rendered: ${message(e)}`;
    }
    await stores.devices.setConfFinal(
      ref,
      { state: 'pushing' },
      event({
        type: 'conffinal.push-started',
        message: rendered
          ? `Conf Final push started by ${actor} (template ${rendered.template})`
          : `Conf Final push started by ${actor}`,
        details: { label, template: rendered?.template },
      }),
    );
    onChanged(ref);

    let outcome: {
      ok: boolean;
      error?: string;
      rolledBack?: boolean;
      warnings?: string[];
    };
    if (!rendered) {
      outcome = { ok: false, error, rolledBack: true };
    } else {
      const driver = this.options.platforms.require(device.platform);
      const procedure = driver.push!;
      logger.info(`Pushing the final configuration of ${ref} (${label})`);
      outcome = await pushFinalConfig({
        procedure,
        driver,
        openSession: () => this.openSession(device, driver, procedure),
        config: rendered.config,
        accountRemoval: rendered.accountRemoval,
        username: device.localUsername,
        label,
        confirmMinutes: settings.confirmMinutes,
        commandTimeoutMs: settings.commandTimeoutMs,
        onStep: step => logger.debug(`Push ${label} to ${ref}: ${step}`),
      });
    }

    if (outcome.ok) {
      await stores.devices.setConfFinal(
        ref,
        { state: 'pushed' },
        event({
          type: 'conffinal.pushed',
          message: `Final configuration pushed and verified; the bootstrap account ${device.localUsername} was removed. The device is Provisioned`,
          details: {
            label,
            template: rendered?.template,
            warnings: outcome.warnings,
          },
        }),
      );
      logger.info(`Final configuration of ${ref} pushed (${label})`);
    } else {
      const rolled = outcome.rolledBack
        ? 'the previous configuration is in place'
        : 'the device may hold part of the new configuration';
      await stores.devices.setConfFinal(
        ref,
        { state: 'failed', error: outcome.error },
        event({
          type: 'conffinal.failed',
          message: `Conf Final push failed (${rolled}): ${outcome.error}`,
          details: {
            label,
            error: outcome.error,
            rolledBack: outcome.rolledBack,
          },
        }),
      );
      logger.warn(
        `Final configuration push to ${ref} failed: ${outcome.error}`,
      );
    }
    onChanged(ref);

    const after = await stores.devices.getDevice(ref);
    const last = await stores.events.lastEvents([ref]);
    return {
      ok: outcome.ok,
      device: toZtpDevice(after!, last.get(ref)),
      ...(outcome.ok
        ? {}
        : { error: outcome.error, rolledBack: outcome.rolledBack ?? false }),
    };
  }

  private async openSession(
    device: DeviceRecord,
    driver: ZtpPlatformDriver,
    procedure?: ZtpPlatformDriver['push'],
  ): Promise<PushSession> {
    try {
      return await openQueuedDeviceSession(device, driver, this.options, {
        extraPrompts: procedure?.interactivePrompts,
      });
    } catch (error) {
      // A new host key stops the push as it stops checks: kept so the
      // device's tab offers to accept it.
      const presented = presentedHostKeyOf(error);
      if (presented) {
        await this.options.stores.serialChecks
          .recordPresentedHostKey(device.entityRef, presented)
          .catch(e =>
            this.options.logger.warn(
              `Could not keep the new host key of ${device.entityRef}: ${e}`,
            ),
          );
        this.options.onChanged(device.entityRef);
      }
      throw error;
    }
  }
}
