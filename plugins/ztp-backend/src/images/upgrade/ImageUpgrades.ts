import { randomUUID } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  describeUpgrade,
  type ZtpUpgradePhase,
} from '@ztp-portal/backstage-plugin-ztp-common';
import pLimit from 'p-limit';
import type { CredentialVault } from '../../credentials/CredentialVault';
import type { DeviceRecord } from '../../database/types';
import type { ZtpStores } from '../../database/ZtpStores';
import type { PlatformRegistry } from '../../platforms/PlatformRegistry';
import type { DeviceCliSession, OpenDeviceCliOptions } from '../../ssh';
import type { ImageDownloadProgress } from '../../door/ImageDownloads';
import type { ImageCatalog } from '../ImageCatalog';
import type { ImageUpgradeStore } from './ImageUpgradeStore';
import { runUpgrade } from './runUpgrade';
import { upgradeImage } from '../upgradeImage';
import { openUpgradeSession } from './openUpgradeSession';
import { PHASE_WORDS } from './phaseWords';
import type { UpgradeSettings } from './settings';

/** Why a device cannot be upgraded now, as a request's answer says it. */
export type UpgradeRefusal = {
  entityRef: string;
  status: 404 | 409;
  reason: string;
};

/**
 * Software upgrades to the approved image: asked for by an operator
 * (single or bulk) or, with ztp.images.autoUpgrade (or the device's site
 * in autoUpgradeSites), for every Checked device that runs another version.
 * Each device is claimed in the database with a lease, so one replica
 * upgrades it at a time; every step goes into its timeline.
 */
export class ImageUpgrades {
  readonly runner = `ztp-${randomUUID()}`;
  private readonly running = new Map<string, Promise<void>>();
  private readonly limit: ReturnType<typeof pLimit>;
  private stopped = false;

  constructor(
    private readonly deps: {
      stores: Pick<ZtpStores, 'devices' | 'events'>;
      upgrades: ImageUpgradeStore;
      catalog: Pick<ImageCatalog, 'approvedFor' | 'compliance' | 'available'>;
      platforms: PlatformRegistry;
      vault: Pick<CredentialVault, 'decrypt'>;
      openCli: (options: OpenDeviceCliOptions) => Promise<DeviceCliSession>;
      ssh: { managementNetworks: string[]; connectTimeoutMs: number };
      /** The device door as devices reach it. */
      doorUrl: string;
      settings: UpgradeSettings;
      logger: LoggerService;
      onChanged: (entityRef: string) => void;
    },
  ) {
    this.limit = pLimit(deps.settings.concurrency);
  }

  /** Why this device cannot be upgraded now, or undefined. */
  private refusal(
    entityRef: string,
    device: DeviceRecord | undefined,
  ): UpgradeRefusal | undefined {
    const refuse = (status: 404 | 409, reason: string) => ({
      entityRef,
      status,
      reason,
    });
    if (!device || device.removedAt) {
      return refuse(404, `No device ${entityRef} in the ZTP queue`);
    }
    if (device.serialState !== 'checked') {
      return refuse(
        409,
        `${entityRef} is not Checked: the portal upgrades only identified devices`,
      );
    }
    const compliance = this.deps.catalog.compliance(device);
    if (compliance.state === 'compliant') {
      return refuse(
        409,
        `${entityRef} already runs the approved ${compliance.approved}`,
      );
    }
    if (compliance.state === 'unknown') {
      return refuse(409, `${entityRef}: ${compliance.reason}`);
    }
    const driver = this.deps.platforms.get(device.platform);
    if (!driver?.upgrade || !driver.readVersion) {
      return refuse(409, `${device.platform} has no upgrade procedure`);
    }
    const spec = this.deps.catalog.approvedFor(
      device.platform,
      device.deviceModel,
    );
    if (
      !spec ||
      !this.deps.catalog.available().some(s => s.file === spec.file)
    ) {
      return refuse(
        409,
        `the approved image ${
          spec?.file ?? ''
        } is not verified on the door (see GET /api/ztp/images)`,
      );
    }
    return undefined;
  }

  /**
   * Starts upgrading each device that can be; resolves once each is
   * claimed or refused (one device's refusal never stops another's).
   */
  async request(
    entityRefs: string[],
    actor: string,
  ): Promise<{ started: string[]; refused: UpgradeRefusal[] }> {
    const devices = new Map(
      (await this.deps.stores.devices.getDevices(entityRefs)).map(d => [
        d.entityRef,
        d,
      ]),
    );
    const started: string[] = [];
    const refused: UpgradeRefusal[] = [];
    for (const ref of [...new Set(entityRefs)]) {
      const device = devices.get(ref);
      const refusal = this.stopped
        ? {
            entityRef: ref,
            status: 409 as const,
            reason: 'the backend is stopping',
          }
        : this.refusal(ref, device);
      if (refusal) {
        refused.push(refusal);
        continue;
      }
      const spec = this.deps.catalog.approvedFor(
        device!.platform,
        device!.deviceModel,
      )!;
      const now = new Date();
      const claimed = await this.deps.upgrades.claim({
        entityRef: ref,
        fromVersion: device!.runningVersion,
        targetVersion: spec.version,
        file: spec.file,
        actor,
        runner: this.runner,
        leaseUntil: new Date(now.getTime() + this.deps.settings.leaseMs),
        at: now,
      });
      if (!claimed) {
        refused.push({
          entityRef: ref,
          status: 409,
          reason: `${ref} is already being upgraded`,
        });
        continue;
      }
      started.push(ref);
      await this.deps.stores.events.addEvent({
        entityRef: ref,
        type: 'image.upgrade-started',
        actor,
        message: `Upgrade from ${device!.runningVersion} to ${spec.version} (${
          spec.file
        }) started`,
        details: {
          from: device!.runningVersion,
          to: spec.version,
          file: spec.file,
        },
      });
      this.deps.onChanged(ref);
      const job = this.limit(() => this.upgrade(device!, actor)).finally(() =>
        this.running.delete(ref),
      );
      this.running.set(ref, job);
    }
    return { started, refused };
  }

  /**
   * The automatic upgrade: Checked devices on another version than the
   * approved one, where it is switched on, and not already tried for that
   * version (a failed upgrade waits for an operator). Also fails upgrades
   * whose replica stopped.
   */
  async sweep(): Promise<void> {
    const { settings, upgrades } = this.deps;
    const now = new Date();
    for (const ref of await upgrades.lapsed(now)) {
      const n = await upgrades.failLapsed(
        ref,
        now,
        'the replica running the upgrade stopped; check the device and upgrade it again',
      );
      if (n) this.deps.onChanged(ref);
    }
    if (!settings.autoUpgrade && !settings.autoUpgradeSites.length) return;
    const sites = new Set(settings.autoUpgradeSites);
    const devices = (await this.deps.stores.devices.listActiveDevices()).filter(
      d =>
        (settings.autoUpgrade || (d.site !== undefined && sites.has(d.site))) &&
        d.serialState === 'checked' &&
        this.deps.catalog.compliance(d).state === 'upgrade-needed' &&
        !this.running.has(d.entityRef),
    );
    if (!devices.length) return;
    const last = new Map(
      (await upgrades.list(devices.map(d => d.entityRef))).map(u => [
        u.entityRef,
        u,
      ]),
    );
    const due = devices.filter(d => {
      const before = last.get(d.entityRef);
      const approved = this.deps.catalog.approvedFor(d.platform, d.deviceModel);
      return !before || before.targetVersion !== approved?.version;
    });
    if (due.length)
      await this.request(
        due.map(d => d.entityRef),
        'system',
      );
  }

  /** The share last written per device, so that only a new one is written. */
  private readonly lastPercent = new Map<string, number>();

  /**
   * The door's report of running downloads (at most one a second each):
   * a device whose upgrade is downloading that image shows its share. A
   * write only when the whole percent changes, so at most about a hundred
   * per download, never one per chunk.
   */
  downloadProgress(downloads: ImageDownloadProgress[]): void {
    for (const d of downloads) {
      if (d.size <= 0) continue;
      const percent = Math.min(100, Math.floor((d.bytes * 100) / d.size));
      if (this.lastPercent.get(d.entityRef) === percent) continue;
      this.lastPercent.set(d.entityRef, percent);
      this.deps.upgrades
        .downloadProgress(d.entityRef, d.file, percent)
        .then(changed => {
          // Not downloading yet (its phase is on its way): written again.
          if (changed) this.deps.onChanged(d.entityRef);
          else this.lastPercent.delete(d.entityRef);
        })
        .catch(e =>
          this.deps.logger.warn(
            `Could not record the download progress of ${d.entityRef}: ${e}`,
          ),
        );
    }
  }

  /**
   * Starts no more upgrades and waits a little for the running ones; one
   * still running lets its lease lapse, and the sweep of another replica
   * marks it failed.
   */
  async stop(graceMs = 5000): Promise<void> {
    this.stopped = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running.values()]),
      new Promise(r => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private async upgrade(device: DeviceRecord, actor: string): Promise<void> {
    const { stores, upgrades, settings, logger } = this.deps;
    const ref = device.entityRef;
    const driver = this.deps.platforms.require(device.platform);
    const spec = this.deps.catalog.approvedFor(
      device.platform,
      device.deviceModel,
    )!;
    this.lastPercent.delete(ref);
    let phase: ZtpUpgradePhase = 'queued';
    let lost = false;
    const renew = async () => {
      const kept = await upgrades.progress(ref, this.runner, {
        phase,
        leaseUntil: new Date(Date.now() + settings.leaseMs),
      });
      if (!kept) lost = true;
    };
    const heartbeat = setInterval(
      () => renew().catch(e => logger.warn(`Upgrade lease of ${ref}: ${e}`)),
      settings.leaseMs / 3,
    );
    heartbeat.unref?.();
    let steps = Promise.resolve();
    const report = (next: ZtpUpgradePhase, note?: string) => {
      if (next === phase) return;
      phase = next;
      steps = steps
        .then(async () => {
          await renew();
          await stores.events.addEvent({
            entityRef: ref,
            type: 'image.upgrade-step',
            actor: 'system',
            message: `Upgrade to ${spec.version}: ${PHASE_WORDS[next]}${
              note ? ` (${note})` : ''
            }`,
            details: { phase: next, version: spec.version },
          });
          this.deps.onChanged(ref);
        })
        .catch(e => logger.warn(`Upgrade progress of ${ref}: ${e}`));
    };
    try {
      const outcome = await runUpgrade({
        driver,
        image: upgradeImage(spec, this.deps.doorUrl),
        fromVersion: device.runningVersion,
        openSession: prompts =>
          openUpgradeSession(this.deps, device, driver, prompts),
        report,
        longTimeoutMs: settings.commandTimeoutMs,
        rebootTimeoutMs: settings.rebootTimeoutMs,
        pollInitialMs: settings.pollInitialMs,
        pollMaxMs: settings.pollMaxMs,
      });
      await steps;
      if (lost) logger.warn(`The upgrade claim of ${ref} lapsed while it ran`);
      if (outcome.ok) {
        await stores.devices.recordSoftwareVersion(ref, outcome.software);
        await upgrades.finish(ref, this.runner, { state: 'compliant' });
        await stores.events.addEvent({
          entityRef: ref,
          type: 'image.upgraded',
          actor,
          message: `Upgraded: the device came back running ${outcome.software.version} (the approved ${spec.version})`,
          details: {
            from: device.runningVersion,
            version: outcome.software.version,
          },
        });
      } else {
        if (outcome.running) {
          await stores.devices.recordSoftwareVersion(ref, {
            version: outcome.running,
            model: device.deviceModel,
          });
        }
        await upgrades.finish(ref, this.runner, {
          state: 'failed',
          error: outcome.error,
        });
        await stores.events.addEvent({
          entityRef: ref,
          type: 'image.upgrade-failed',
          actor,
          message: `Upgrade to ${spec.version} failed: ${outcome.error}`,
          details: {
            version: spec.version,
            running: outcome.running,
            ...(outcome.output && { output: outcome.output.slice(-2000) }),
          },
        });
      }
    } catch (error) {
      logger.error(`Upgrade of ${ref} stopped: ${error}`);
      await upgrades
        .finish(ref, this.runner, { state: 'failed', error: String(error) })
        .catch(() => {});
    } finally {
      clearInterval(heartbeat);
      this.lastPercent.delete(ref);
      this.deps.onChanged(ref);
      const now = await upgrades.get(ref).catch(() => undefined);
      if (now) logger.info(`${ref}: ${describeUpgrade(now)}`);
    }
  }
}
