import type {
  DatabaseService,
  HttpRouterService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import type { ZtpSettings } from '../config';
import type { ZtpStores } from '../database/ZtpStores';
import type { ImageSettings, ServableImage } from '../images';
import type { BootstrapRenderer } from '../platforms/BootstrapRenderer';
import type { SerialCheckService } from '../serialChecks/SerialCheckService';
import type { ZtpSignalPublisher } from '../signals/ZtpSignalPublisher';
import { createDeviceFetchFollowUp } from './deviceFetchFollowUp';
import { DeviceRequestHandler } from './DeviceRequestHandler';
import { DoorWorkerHost, workerDatabaseConfig } from './worker/DoorWorkerHost';
import type { DoorQueueView } from './DoorQueueView';
import { startDoorUpkeep } from './doorUpkeep';
import { FetchRecorder, repeatFolding } from './FetchRecorder';
import { imageDownloadEvent } from './imageDownloadEvent';
import { ImageDownloads, type ImageDownloadProgress } from './ImageDownloads';
import { DoorHttpServer } from './DoorHttpServer';
import { TftpServer } from './TftpServer';
import { TftpDoorStatus, tftpBindFailureReason } from './TftpDoorStatus';
import { UnknownDeviceCounter } from './UnknownDeviceCounter';

/**
 * The device doors: the dedicated HTTP door (on a worker thread when the
 * database allows it), the same door on the plugin router when asked,
 * TFTP, and the images they serve. Nothing listens before `open()` and
 * `startTftp()`.
 */
export async function setupDoor(deps: {
  settings: ZtpSettings;
  stores: Pick<ZtpStores, 'events' | 'fetches' | 'unknownDevices'>;
  /** Copies SQLite's write-ahead log into the database file. */
  checkpoint(): Promise<void>;
  doorView: DoorQueueView;
  renderer: BootstrapRenderer;
  publisher: ZtpSignalPublisher;
  serialChecks: Pick<SerialCheckService, 'trigger'>;
  /** Running image downloads that moved (an upgrade shows its share). */
  onImageProgress?: (downloads: ImageDownloadProgress[]) => void;
  images: {
    settings: Pick<ImageSettings, 'downloads'>;
    onServableChanged(listener: (images: ServableImage[]) => void): void;
  };
  database: DatabaseService;
  httpRouter: HttpRouterService;
  logger: LoggerService;
  /** Where the TFTP door's state is kept for those who show it. */
  tftpStatus: TftpDoorStatus;
}) {
  const { settings, stores, doorView: view, publisher, images, logger } = deps;
  const { provisioning: door, serialCheck } = settings;
  const unknown = new UnknownDeviceCounter(stores.unknownDevices);
  const fetchedByDevice = createDeviceFetchFollowUp({
    publish: ref => publisher.changed(ref),
    triggerSerialCheck: (ref, delayMs) =>
      deps.serialChecks.trigger(ref, delayMs),
    firstCheckDelayMs: serialCheck.firstCheckDelayMs,
  });
  // The dedicated door runs on a thread of its own when the database
  // can be opened from there (a SQLite file, PostgreSQL); an
  // in-memory database keeps it on the main thread.
  const knexConfig = (await deps.database.getClient()).client.config;
  const doorDatabase = door.worker && workerDatabaseConfig(knexConfig);
  // The door's thread logs the repeats of a storm; this thread's doors
  // (plugin router, TFTP) see few and write their rows, unless this
  // thread serves the dedicated door too.
  const recorder = new FetchRecorder(
    stores.fetches,
    undefined,
    undefined,
    doorDatabase
      ? undefined
      : repeatFolding({
          otherDoorsMayRun: knexConfig.client === 'pg',
          onError: error =>
            logger.warn(`Could not fold repeated fetches (retried): ${error}`),
        }),
  );
  const handler = new DeviceRequestHandler({
    index: view.index,
    renderer: deps.renderer,
    recorder,
    unknown,
    logger,
    allowedNetworks: door.allowedNetworks,
    firstCheckDelayMs: serialCheck.firstCheckDelayMs,
    bootstrap: {
      files: view.bootstrapFiles,
      store: stores.events,
      onReported: ref => publisher.changed(ref),
    },
    onFetched: device =>
      fetchedByDevice({
        ...device,
        first: device.confMinState !== 'loaded',
      }),
  });

  if (door.exposeOnPluginRouter) {
    // Same device door on the plugin router, for sites with one port.
    deps.httpRouter.addAuthPolicy({
      path: '/provision',
      allow: 'unauthenticated',
    });
    const deviceDoor = express.Router();
    deviceDoor.use('/provision', (req, res, next) => {
      handler.handle(req, res, req.url).catch(next);
    });
    deps.httpRouter.use(deviceDoor);
  }

  const doorWorker = doorDatabase
    ? new DoorWorkerHost({
        host: door.host,
        port: door.port,
        allowedNetworks: door.allowedNetworks,
        firstCheckDelayMs: serialCheck.firstCheckDelayMs,
        database: doorDatabase,
        renderer: deps.renderer,
        logger,
        onFetched: devices => devices.forEach(fetchedByDevice),
        onUnknownRecorded: () => void publisher.unknownDevicesChanged(),
        onReported: ref => publisher.changed(ref),
        unknownFlushMs: serialCheck.sweepSeconds * 1000,
        imageLimits: images.settings.downloads,
        onImageProgress: deps.onImageProgress,
      })
    : undefined;
  if (doorWorker) {
    view.attachWorker(doorWorker, {
      onlyDoor: !door.exposeOnPluginRouter && !door.tftp.enabled,
    });
  }
  const imageDownloads = doorWorker
    ? undefined
    : new ImageDownloads({
        index: view.index,
        isAllowed: ip => handler.isAllowed(ip),
        limits: images.settings.downloads,
        logger,
        record: download =>
          void stores.events
            .addEvent(imageDownloadEvent(download))
            .then(() => publisher.changed(download.entityRef))
            .catch(e =>
              logger.warn(`Could not record an image download: ${e}`),
            ),
        onProgress: deps.onImageProgress,
      });
  images.onServableChanged(servable => {
    imageDownloads?.setImages(servable);
    doorWorker?.syncImages(servable);
  });
  const server =
    doorWorker ??
    new DoorHttpServer({
      host: door.host,
      port: door.port,
      handler,
      images: imageDownloads,
      logger,
    });
  const tftp = door.tftp.enabled
    ? new TftpServer({
        host: door.tftp.host,
        port: door.tftp.port,
        resolve: handler.tftpResolver,
        isAllowed: ip => handler.isAllowed(ip),
        logger,
      })
    : undefined;

  let stopUpkeep: (() => void) | undefined;
  return {
    /** Loads the queue into the doors, then opens the HTTP door. */
    async open(isStopped: () => boolean) {
      // Repeated fetches a crash left logged reach their rows first.
      await recorder.foldAll();
      await view.refresh();
      if (door.enabled && !isStopped()) {
        await server.start();
      }
    },
    startUpkeep() {
      stopUpkeep = startDoorUpkeep({
        flushUnknown: () => unknown.flush(),
        onUnknownRecorded: () => publisher.unknownDevicesChanged(),
        unknownFlushMs: serialCheck.sweepSeconds * 1000,
        checkpoint:
          doorWorker && doorDatabase && doorDatabase.client === 'better-sqlite3'
            ? deps.checkpoint
            : undefined,
        logger,
      });
    },
    stopUpkeep() {
      stopUpkeep?.();
    },
    async startTftp() {
      if (!tftp) return;
      const address = `${door.tftp.host}:${door.tftp.port}`;
      deps.tftpStatus.set({ state: 'starting', address });
      try {
        await tftp.start();
        deps.tftpStatus.set({ state: 'serving', address });
      } catch (error) {
        // Port 69 needs a privilege the backend may not have, or another
        // server holds it: the rest of the portal runs on, and the log and
        // the DHCP card say why and what to do.
        const reason = tftpBindFailureReason(error, address);
        deps.tftpStatus.set({ state: 'failed', address, reason });
        logger.error(
          `The ZTP TFTP door is not serving: ${reason}. The portal and the HTTP door run on.`,
        );
      }
    },
    /** Closes the doors and writes the last unknown-device probes. */
    async stop() {
      await server.stop();
      await tftp?.stop();
      recorder.close();
      await recorder
        .foldAll()
        .catch(e => logger.warn(`Could not fold repeated fetches: ${e}`));
      await unknown.flush().catch(() => {});
    },
  };
}
