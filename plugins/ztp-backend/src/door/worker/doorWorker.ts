import {
  isMainThread,
  MessagePort,
  parentPort,
  workerData,
} from 'node:worker_threads';
import knexFactory from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ztpStoresOn } from '../../database/ZtpStores';
import { BootstrapFileIndex } from '../BootstrapFileIndex';
import { REFETCH_SIGNAL_INTERVAL_MS } from '../deviceFetchFollowUp';
import { DeviceIndex, type DoorIdentity } from '../DeviceIndex';
import { DeviceRequestHandler } from '../DeviceRequestHandler';
import { FetchRecorder, repeatFolding } from '../FetchRecorder';
import { imageDownloadEvent } from '../imageDownloadEvent';
import { ImageDownloads } from '../ImageDownloads';
import { DoorHttpServer } from '../DoorHttpServer';
import { UnknownDeviceCounter } from '../UnknownDeviceCounter';
import type {
  DoorDevice,
  DoorToMain,
  DoorWorkerData,
  FetchedDevice,
  MainToDoor,
} from './protocol';

/**
 * This module is also the worker's entry file: whether the build keeps
 * modules apart or bundles them, the host starts a worker on this file and
 * the check at the bottom runs the door there.
 */
export const DOOR_WORKER_FILE = __filename;

/** A logger that hands messages to the main thread's logger. */
function workerLogger(post: (m: DoorToMain) => void): LoggerService {
  const logger: LoggerService = {
    error: message => post({ type: 'log', level: 'error', message }),
    warn: message => post({ type: 'log', level: 'warn', message }),
    info: message => post({ type: 'log', level: 'info', message }),
    debug: () => {},
    child: () => logger,
  };
  return logger;
}

/**
 * The device door on a thread of its own: booting devices are answered from
 * a table of pre-rendered configurations and their fetches recorded through
 * the worker's own database connection, so nothing on the backend's main
 * thread (catalog sync, serial checks, the portal's API) sits between a
 * device and its configuration.
 */
export async function runDoorWorker(data: DoorWorkerData, port: MessagePort) {
  const post = (m: DoorToMain) => port.postMessage(m);
  const logger = workerLogger(post);
  const db = knexFactory({
    client: data.database.client,
    connection: data.database.connection,
    searchPath: data.database.searchPath,
    useNullAsDefault: true,
    pool: data.database.client === 'pg' ? { min: 0, max: 4 } : undefined,
  });
  const stores = ztpStoresOn(db);
  const index = new DeviceIndex<DoorIdentity>();
  const configs = new Map<string, DoorDevice['config']>();
  const bootstrapFiles = new BootstrapFileIndex();
  const unknown = new UnknownDeviceCounter(stores.unknownDevices);

  let fetched: FetchedDevice[] = [];
  // When each device's repeated fetch was last handed to the main thread,
  // which publishes repeats only this often anyway: a storm of repeats
  // would otherwise cost a cloned message entry per fetch on both threads.
  const repeatPostedAt = new Map<string, number>();
  const repeatReportMs = data.repeatFetchReportMs ?? REFETCH_SIGNAL_INTERVAL_MS;
  // Devices this worker saw load, until the main thread's table says so.
  const loadedHere = new Set<string>();
  let fetchedTimer: NodeJS.Timeout | undefined;
  const flushFetched = () => {
    fetchedTimer = undefined;
    if (!fetched.length) return;
    post({ type: 'fetched', devices: fetched });
    fetched = [];
  };

  const recorder = new FetchRecorder(
    stores.fetches,
    1000,
    5,
    repeatFolding({
      // A SQLite file has one backend, and its door is this thread.
      otherDoorsMayRun: data.database.client === 'pg',
      onError: error =>
        logger.warn(`Could not fold repeated fetches (retried): ${error}`),
    }),
  );
  const handler = new DeviceRequestHandler({
    index,
    renderer: {
      render(device) {
        const config = configs.get(device.entityRef);
        if (!config) throw new Error('not rendered yet');
        if ('error' in config) throw new Error(config.error);
        return config.text;
      },
    },
    recorder,
    unknown,
    logger,
    allowedNetworks: data.allowedNetworks,
    firstCheckDelayMs: data.firstCheckDelayMs,
    bootstrap: {
      files: bootstrapFiles,
      store: stores.events,
      onReported: entityRef => post({ type: 'reported', entityRef }),
    },
    onFetched: device => {
      // The main thread publishes signals and schedules serial checks; a
      // message per batch instead of one per fetch.
      const first =
        device.confMinState !== 'loaded' && !loadedHere.has(device.entityRef);
      if (first) loadedHere.add(device.entityRef);
      const now = Date.now();
      const last = repeatPostedAt.get(device.entityRef);
      if (!first && last !== undefined && now - last < repeatReportMs) {
        return;
      }
      repeatPostedAt.set(device.entityRef, now);
      fetched.push({
        entityRef: device.entityRef,
        serialState: device.serialState,
        first,
      });
      fetchedTimer ??= setTimeout(flushFetched, 20);
    },
  });
  const images = data.imageLimits
    ? new ImageDownloads({
        index,
        isAllowed: ip => handler.isAllowed(ip),
        limits: data.imageLimits,
        logger,
        record: download =>
          void stores.events
            .addEvent(imageDownloadEvent(download))
            .catch(e =>
              logger.warn(`Could not record an image download: ${e}`),
            ),
        onProgress: downloads => post({ type: 'image-progress', downloads }),
        progressIntervalMs: data.imageProgressIntervalMs,
      })
    : undefined;
  const server = new DoorHttpServer({
    host: data.host,
    port: data.port,
    handler,
    images,
    logger,
    runsOn: 'on a worker thread',
  });

  const flushUnknown = async () => {
    try {
      if (await unknown.flush()) post({ type: 'unknown-recorded' });
    } catch (error) {
      logger.warn(`Could not record unknown devices: ${error}`);
    }
  };
  const unknownTimer = setInterval(flushUnknown, data.unknownFlushMs);

  let resolveFirstDevices: () => void;
  const firstDevices = new Promise<void>(r => (resolveFirstDevices = r));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(unknownTimer);
    await server.stop();
    recorder.close();
    await recorder
      .foldAll()
      .catch(e => logger.warn(`Could not fold repeated fetches: ${e}`));
    if (fetchedTimer) clearTimeout(fetchedTimer);
    flushFetched();
    await flushUnknown();
    await db.destroy();
    post({ type: 'stopped' });
    port.close();
  };

  port.on('message', (m: MainToDoor) => {
    if (m.type === 'devices') {
      for (const ref of m.remove) {
        repeatPostedAt.delete(ref);
        index.remove(ref);
        configs.delete(ref);
        bootstrapFiles.remove(ref);
      }
      for (const { device, config, bootstrap } of m.upsert) {
        configs.set(device.entityRef, config);
        bootstrapFiles.set(device.entityRef, bootstrap);
        index.upsert(device);
        loadedHere.delete(device.entityRef);
      }
      if (m.complete) resolveFirstDevices();
    } else if (m.type === 'images') {
      images?.setImages(m.images);
    } else if (m.type === 'stop') {
      stop().catch(error => {
        post({ type: 'failed', message: String(error) });
        port.close();
      });
    }
  });

  try {
    if (data.database.client === 'better-sqlite3') {
      // Per connection: the main thread's connection set the file to WAL.
      await db.raw('PRAGMA synchronous = NORMAL');
      await db.raw('PRAGMA busy_timeout = 10000');
      // Never checkpoint here: copying the log into the database and
      // syncing it takes tens of milliseconds that every device waiting on
      // a commit would wait too. The main thread checkpoints (see plugin.ts).
      await db.raw('PRAGMA wal_autocheckpoint = 0');
      await db.raw('PRAGMA cache_size = -32768');
    }
    await recorder.foldAll();
    await firstDevices;
    const address = await server.start();
    post({
      type: 'listening',
      address: address.address,
      family: address.family,
      port: address.port,
    });
  } catch (error) {
    post({ type: 'failed', message: String(error) });
    clearInterval(unknownTimer);
    await db.destroy().catch(() => {});
    port.close();
  }
}

if (!isMainThread && parentPort && workerData?.ztpDoorWorker) {
  void runDoorWorker(workerData as DoorWorkerData, parentPort);
}
