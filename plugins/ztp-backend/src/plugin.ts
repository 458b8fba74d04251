import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { ztpPermissions } from '@ztp-portal/backstage-plugin-ztp-common';
import {
  ztpPlatformsExtensionPoint,
  ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';
import express from 'express';
import { waitForFirstQueueLoad } from './provisioning/waitForFirstQueueLoad';
import { readZtpConfig } from './config';
import { DHCP_APPLY_TASK_ID, setupDhcp } from './dhcp';
import { DatabaseZtpStore } from './database/DatabaseZtpStore';
import { REPORT_REFRESH_MS } from './catalog/DeclarationProblemReporter';
import {
  BULK_PUSH_HEARTBEAT_MS,
  JOB_RETENTION_DAYS,
  setupFinalConfig,
} from './finalConfig';
import { builtinPlatformDrivers } from './platforms';
import { BootstrapFileIndex } from './provisioning/BootstrapFileIndex';
import { DeviceIndex } from './provisioning/DeviceIndex';
import { DeviceRequestHandler } from './provisioning/DeviceRequestHandler';
import {
  DoorWorkerHost,
  workerDatabaseConfig,
} from './provisioning/door/DoorWorkerHost';
import { FetchRecorder } from './provisioning/FetchRecorder';
import { setupImages } from './images';
import { ImageGate } from './images/imageGate';
import { imageDownloadEvent } from './provisioning/imageDownloadEvent';
import { ImageDownloads } from './provisioning/ImageDownloads';
import { ProvisioningServer } from './provisioning/ProvisioningServer';
import { identifiesDeclaredDevice } from './provisioning/recognizeDevice';
import { TftpServer } from './provisioning/TftpServer';
import { UnknownDeviceCounter } from './provisioning/UnknownDeviceCounter';
import { createRouter } from './router';
import {
  createReplacementRouter,
  DeviceReplacement,
  readReplacementSettings,
  ReplacementFollowUp,
  ReplacementJobs,
} from './replacement';
import { verifySecretsKey } from './secrets/keyCheck';
import { CredentialVault } from './services/CredentialVault';
import { DeviceQueueSync } from './services/DeviceQueueSync';
import { PasswordHashPool } from './services/passwordHashing/PasswordHashPool';
import { toZtpDevice } from './services/deviceView';
import { BootstrapRenderer } from './services/BootstrapRenderer';
import { MinimalConfigRenderer } from './services/MinimalConfigRenderer';
import { PlatformRegistry } from './services/PlatformRegistry';
import { SerialCheckService } from './services/SerialCheckService';
import { ZtpSignalPublisher } from './services/ZtpSignalPublisher';
import { openDeviceCli } from './ssh';

/** How often the log of a SQLite file shared with the door is checkpointed. */
const WAL_CHECKPOINT_INTERVAL_MS = 1000;
/** Repeated fetches of one device are published at most this often. */
const REFETCH_SIGNAL_INTERVAL_MS = 30_000;
/** How long the startup may spend on the catalog sync before the door opens. */
const INITIAL_SYNC_BUDGET_MS = 5_000;

/**
 * The ZTP backend plugin: serves booting devices their minimal
 * configuration, keeps the ZTP queue in step with the catalog, checks
 * serials over SSH and gives the portal its API.
 *
 * @public
 */
export const ztpPlugin = createBackendPlugin({
  pluginId: 'ztp',
  register(env) {
    const addedPlatforms: ZtpPlatformDriver[] = [];
    env.registerExtensionPoint(ztpPlatformsExtensionPoint, {
      addPlatform(driver) {
        addedPlatforms.push(driver);
      },
    });

    env.registerInit({
      deps: {
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        signals: signalsServiceRef,
      },
      async init(deps) {
        const { config, logger, scheduler, lifecycle, httpRouter } = deps;
        const settings = readZtpConfig(config);
        const replacementSettings = readReplacementSettings(config);
        const vault = CredentialVault.fromConfig(config);
        const platforms = new PlatformRegistry([
          ...builtinPlatformDrivers,
          ...addedPlatforms,
        ]);
        deps.permissionsRegistry.addPermissions(ztpPermissions);

        const store = await DatabaseZtpStore.create({
          database: deps.database,
        });
        // A wrong key stops the backend here, before anything decrypts.
        if (
          (await verifySecretsKey(store.secretsKeyStore(), vault)) === 'created'
        ) {
          logger.info('Stored the key check value of ztp.secrets.key');
        }
        const declarationProblems = store.declarationProblemStore();
        const index = new DeviceIndex();
        const renderer = new BootstrapRenderer(
          new MinimalConfigRenderer(platforms, settings.templateOverrides),
          platforms,
          settings.provisioning.deviceUrl,
        );
        // The bootstrap files the main thread's doors (plugin router, TFTP)
        // serve; the door's worker keeps its own from the same renderer.
        const bootstrapFiles = new BootstrapFileIndex();
        const publisher = new ZtpSignalPublisher({
          signals: deps.signals,
          logger,
          windowMs: settings.signalWindowMs,
          loadDevices: async refs => {
            const devices = await store.getDevices(refs);
            const last = await store.lastEvents(refs);
            return devices.map(d =>
              toZtpDevice(
                d,
                last.get(d.entityRef),
                undefined,
                replacementSettings.stuckAfterMs,
              ),
            );
          },
          loadSummary: () => store.summary(),
        });
        // Filled in below once the door is chosen.
        let doorWorker: DoorWorkerHost | undefined;
        const refreshIndex = async () => {
          const devices = await store.listActiveDevices();
          index.replaceAll(devices);
          for (const device of devices) {
            try {
              bootstrapFiles.set(device.entityRef, renderer.bootstrap(device));
            } catch {
              // Logged by the door when it renders the configuration.
              bootstrapFiles.set(device.entityRef, undefined);
            }
          }
          bootstrapFiles.retain(new Set(devices.map(d => d.entityRef)));
          doorWorker?.syncDevices(devices);
        };

        const serialChecks = new SerialCheckService({
          store,
          vault,
          platforms,
          openCli: openDeviceCli,
          logger,
          settings: settings.serialCheck,
          onChanged: ref => publisher.changed(ref),
        });
        // The queue's changes reach the door page by page of a catalog
        // pass; refreshes that pile up meanwhile collapse into one.
        let indexRefresh: Promise<void> | undefined;
        let indexStale = false;
        const refreshIndexSoon = () => {
          if (indexRefresh) {
            indexStale = true;
            return;
          }
          indexRefresh = refreshIndex()
            .catch(e => logger.warn(`Could not refresh the ZTP index: ${e}`))
            .finally(() => {
              indexRefresh = undefined;
              if (indexStale) {
                indexStale = false;
                refreshIndexSoon();
              }
            });
        };
        const hashPool = new PasswordHashPool();
        let stopping = false;
        const sync = new DeviceQueueSync({
          catalog: deps.catalog,
          auth: deps.auth,
          store,
          vault,
          platforms,
          logger,
          hasher: hashPool,
          onChanged: result => {
            publisher.changed(...result.added, ...result.updated);
            publisher.removedFromQueue(...result.removed);
            for (const ref of [...result.updated, ...result.removed]) {
              renderer.forget(ref);
            }
            refreshIndexSoon();
          },
        });

        const unknown = new UnknownDeviceCounter(store);
        // A device's first fetch changes its state: published at once and
        // its serial check scheduled. Repeated fetches (a device retrying,
        // a boot loop) only move "when": published at most every 30 s per
        // device, so a storm does not flood every browser.
        const refreshPublishedAt = new Map<string, number>();
        const fetchedByDevice = (device: {
          entityRef: string;
          serialState: string;
          first: boolean;
        }) => {
          const now = Date.now();
          if (!device.first) {
            const last = refreshPublishedAt.get(device.entityRef) ?? 0;
            if (now - last < REFETCH_SIGNAL_INTERVAL_MS) return;
          }
          refreshPublishedAt.set(device.entityRef, now);
          publisher.changed(device.entityRef);
          if (device.first && device.serialState !== 'checked') {
            // Give the device time to apply its configuration and start SSH.
            serialChecks.trigger(
              device.entityRef,
              settings.serialCheck.firstCheckDelayMs,
            );
          }
        };
        const handler = new DeviceRequestHandler({
          index,
          renderer,
          recorder: new FetchRecorder(store),
          unknown,
          logger,
          allowedNetworks: settings.provisioning.allowedNetworks,
          firstCheckDelayMs: settings.serialCheck.firstCheckDelayMs,
          bootstrap: {
            files: bootstrapFiles,
            store,
            onReported: ref => publisher.changed(ref),
          },
          onFetched: device =>
            fetchedByDevice({
              ...device,
              first: device.confMinState !== 'loaded',
            }),
        });

        httpRouter.use(
          await createRouter({
            ...deps,
            store,
            vault,
            serialChecks,
            publisher,
            isDeclared: identifier =>
              identifiesDeclaredDevice(index, identifier),
            declarationProblems,
            stuckAfterMs: replacementSettings.stuckAfterMs,
          }),
        );
        // Approved images: verified files, served by the door under
        // /ztp/images/, and the gate of Conf Final.
        const images = await setupImages(deps);
        httpRouter.use(images.router);
        // Conf Final: generation, preview and push of production configurations.
        const finalConfig = await setupFinalConfig({
          config,
          logger,
          store,
          vault,
          platforms,
          openCli: openDeviceCli,
          catalog: deps.catalog,
          auth: deps.auth,
          urlReader: deps.urlReader,
          httpAuth: deps.httpAuth,
          permissions: deps.permissions,
          auditor: deps.auditor,
          jobStore: store.bulkPushJobStore(),
          onChanged: ref => publisher.changed(ref),
          imageGate: new ImageGate({ ...deps, catalog: images.catalog, store }),
        });
        httpRouter.use(finalConfig.router);
        // Replace device (RMA), Re-provision, replacement lists, stuck devices.
        const replacements = store.replacementStore();
        const replacementChanged = (ref: string) => {
          publisher.changed(ref);
          renderer.forget(ref);
          refreshIndexSoon();
        };
        const replacement = new DeviceReplacement({
          store,
          replacements,
          vault,
          platforms,
          hasher: hashPool,
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          autoPush: replacementSettings.autoPush,
          onChanged: replacementChanged,
        });
        const replacementJobs = new ReplacementJobs({
          replacement,
          store: replacements,
          logger,
        });
        const replacementFollowUp = new ReplacementFollowUp({
          store,
          replacements,
          push: (ref, actor) => finalConfig.service.push(ref, actor),
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          onChanged: replacementChanged,
        });
        httpRouter.use(
          await createReplacementRouter({
            ...deps,
            store,
            replacements,
            replacement,
            jobs: replacementJobs,
            stuckAfterMs: replacementSettings.stuckAfterMs,
          }),
        );
        const bulkPushHeartbeatMs =
          finalConfig.settings.jobHeartbeatMs ?? BULK_PUSH_HEARTBEAT_MS;
        // DHCP from the catalog: the Kea configuration, applied when a
        // control endpoint is configured.
        const dhcp = await setupDhcp({
          ...deps,
          db: await deps.database.getClient(),
          store,
          platforms,
        });
        httpRouter.use(dhcp.router);

        if (settings.provisioning.exposeOnPluginRouter) {
          // Same device door on the plugin router, for sites with one port.
          httpRouter.addAuthPolicy({
            path: '/provision',
            allow: 'unauthenticated',
          });
          const deviceDoor = express.Router();
          deviceDoor.use('/provision', (req, res, next) => {
            handler.handle(req, res, req.url).catch(next);
          });
          httpRouter.use(deviceDoor);
        }

        // The dedicated door runs on a thread of its own when the database
        // can be opened from there (a SQLite file, PostgreSQL); an
        // in-memory database keeps it on the main thread.
        const knexConfig = (await deps.database.getClient()).client.config;
        const doorDatabase =
          settings.provisioning.worker && workerDatabaseConfig(knexConfig);
        if (doorDatabase) {
          doorWorker = new DoorWorkerHost({
            host: settings.provisioning.host,
            port: settings.provisioning.port,
            allowedNetworks: settings.provisioning.allowedNetworks,
            firstCheckDelayMs: settings.serialCheck.firstCheckDelayMs,
            database: doorDatabase,
            renderer,
            logger,
            onFetched: devices => devices.forEach(fetchedByDevice),
            onUnknownRecorded: () => void publisher.unknownDevicesChanged(),
            onReported: ref => publisher.changed(ref),
            unknownFlushMs: settings.serialCheck.sweepSeconds * 1000,
            imageLimits: images.settings.downloads,
          });
        }
        const imageDownloads = doorWorker
          ? undefined
          : new ImageDownloads({
              index,
              isAllowed: ip => handler.isAllowed(ip),
              limits: images.settings.downloads,
              logger,
              record: download =>
                void store
                  .addEvent(imageDownloadEvent(download))
                  .then(() => publisher.changed(download.entityRef))
                  .catch(e =>
                    logger.warn(`Could not record an image download: ${e}`),
                  ),
            });
        images.onServableChanged(servable => {
          imageDownloads?.setImages(servable);
          doorWorker?.syncImages(servable);
        });
        const provisioning =
          doorWorker ??
          new ProvisioningServer({
            host: settings.provisioning.host,
            port: settings.provisioning.port,
            handler,
            images: imageDownloads,
            logger,
          });

        const tftp = settings.provisioning.tftp.enabled
          ? new TftpServer({
              host: settings.provisioning.tftp.host,
              port: settings.provisioning.tftp.port,
              resolve: handler.tftpResolver,
              isAllowed: ip => handler.isAllowed(ip),
              logger,
            })
          : undefined;

        let unknownFlushTimer: NodeJS.Timeout | undefined;
        let checkpointTimer: NodeJS.Timeout | undefined;
        let doorOpened: Promise<void> = Promise.resolve();
        lifecycle.addStartupHook(async () => {
          // Hashing large images takes seconds: the rest starts meanwhile,
          // and an image is served once its file is verified.
          images
            .start()
            .catch(e => logger.error(`Could not verify the images: ${e}`));
          const loadQueue = async () => {
            // A first stretch of the catalog sync; a large fleet's import goes
            // on in the scheduled runs, the door serving each device once its
            // page is committed.
            await sync.run({ budgetMs: INITIAL_SYNC_BUDGET_MS });
            return (await store.summary()).total;
          };
          const openDoor = async () => {
            await refreshIndex();
            if (settings.provisioning.enabled && !stopping) {
              await provisioning.start();
            }
          };
          // The door opens once the queue is loaded: at once when the first
          // sync finds the devices, else in the background (the backend
          // starts meanwhile; booting devices retry).
          const first = await loadQueue().catch(() => 0);
          if (first > 0) await openDoor();
          else {
            doorOpened = waitForFirstQueueLoad({
              load: loadQueue,
              logger,
              isStopped: () => stopping,
            })
              .then(open => (open ? openDoor() : undefined))
              .catch(e => logger.error(`Could not open the device door: ${e}`));
          }
          // The rest of a first pass over a large catalog, run after run
          // (each bounded in time), without waiting for the schedule.
          void (async () => {
            let result;
            do {
              result = await sync.run();
            } while (!result.finished && !stopping);
          })().catch(e => logger.warn(`ZTP catalog sync: ${e}`));
          if (
            doorWorker &&
            doorDatabase &&
            doorDatabase.client === 'better-sqlite3'
          ) {
            // The door's thread never checkpoints SQLite's log (it would
            // hold up the devices waiting on its commits): this one does.
            checkpointTimer = setInterval(
              () =>
                store
                  .checkpoint()
                  .catch(e => logger.warn(`SQLite checkpoint: ${e}`)),
              WAL_CHECKPOINT_INTERVAL_MS,
            );
          }
          // Probes of unknown devices (on this thread: the plugin-router and
          // TFTP doors) are written every few seconds, not one by one.
          unknownFlushTimer = setInterval(async () => {
            try {
              if (await unknown.flush()) {
                await publisher.unknownDevicesChanged();
              }
            } catch (error) {
              logger.warn(`Could not record unknown devices: ${error}`);
            }
          }, settings.serialCheck.sweepSeconds * 1000);
          await tftp?.start().catch(error => {
            // Port 69 needs a privilege the backend may not have: the rest
            // of the portal runs on, and the log says what to do.
            logger.error(
              `The ZTP TFTP door could not start on ${settings.provisioning.tftp.host}:${settings.provisioning.tftp.port}: ${error}. Devices ask on port 69: grant the backend CAP_NET_BIND_SERVICE, or redirect port 69 to ztp.provisioning.tftp.port (see the README).`,
            );
          });
        });
        lifecycle.addShutdownHook(async () => {
          stopping = true;
          await doorOpened;
          clearInterval(unknownFlushTimer);
          clearInterval(checkpointTimer);
          serialChecks.stop();
          await finalConfig.jobs.stop();
          await replacementJobs.settled();
          await provisioning.stop();
          await tftp?.stop();
          await unknown.flush().catch(() => {});
          await publisher.flushNow();
          await hashPool.close();
        });

        await scheduler.scheduleTask({
          id: 'ztp-catalog-sync',
          frequency: { seconds: settings.catalogSyncSeconds },
          timeout: { minutes: 5 },
          initialDelay: { seconds: settings.catalogSyncSeconds },
          fn: async () => {
            // Bounded by the sync's own time budget; the next run continues.
            await sync.run();
          },
        });
        if (dhcp.applier) {
          const applier = dhcp.applier;
          // A global task: one replica applies at a time, and changes
          // within one interval reach Kea as one configuration.
          await scheduler.scheduleTask({
            id: DHCP_APPLY_TASK_ID,
            frequency: { seconds: dhcp.settings.debounceSeconds },
            timeout: { minutes: 2 },
            fn: async () => {
              await applier.applyIfChanged();
            },
          });
        }
        await scheduler.scheduleTask({
          id: 'ztp-device-index-refresh',
          scope: 'local',
          frequency: { seconds: settings.indexRefreshSeconds },
          timeout: { minutes: 1 },
          fn: refreshIndex,
        });
        await scheduler.scheduleTask({
          id: 'ztp-serial-check-sweep',
          scope: 'local',
          frequency: { seconds: settings.serialCheck.sweepSeconds },
          timeout: { minutes: 10 },
          fn: async () => {
            await serialChecks.sweep();
          },
        });
        await scheduler.scheduleTask({
          id: 'ztp-replacement-follow-up',
          frequency: { seconds: settings.serialCheck.sweepSeconds },
          timeout: { minutes: 15 },
          fn: () => replacementFollowUp.sweep(),
        });
        await scheduler.scheduleTask({
          id: 'ztp-bulk-push-sweep',
          frequency: { milliseconds: bulkPushHeartbeatMs },
          timeout: { minutes: 1 },
          initialDelay: { milliseconds: bulkPushHeartbeatMs },
          fn: async () => {
            await finalConfig.jobs.sweep();
          },
        });
        await scheduler.scheduleTask({
          id: 'ztp-declaration-problems-expiry',
          frequency: { minutes: 10 },
          timeout: { minutes: 1 },
          initialDelay: { minutes: 10 },
          fn: async () => {
            // Problems are reported again every 10 minutes while they last:
            // older ones belong to declarations the catalog no longer reads.
            await declarationProblems.prune(
              new Date(Date.now() - 3 * REPORT_REFRESH_MS),
            );
          },
        });
        await scheduler.scheduleTask({
          id: 'ztp-cleanup',
          frequency: { hours: 24 },
          timeout: { minutes: 30 },
          initialDelay: { minutes: 5 },
          fn: async () => {
            const before = new Date(
              Date.now() - settings.eventRetentionDays * 86400_000,
            );
            const events = await store.pruneEvents(before);
            const probes = await store.pruneUnknownDevices(before);
            const jobs = await finalConfig.jobs.prune(
              new Date(Date.now() - JOB_RETENTION_DAYS * 86400_000),
            );
            logger.info(
              `ZTP cleanup: ${events} old timeline events, ${probes} unknown-device records and ${jobs} bulk pushes removed`,
            );
          },
        });
      },
    });
  },
});
