import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DeviceRecord } from '../../database/types';
import type { ServableImage } from '../../images/ImageCatalog';
import type {
  ImageDownloadLimits,
  ImageDownloadProgress,
} from '../ImageDownloads';
import type { MinimalConfigSource } from '../DeviceRequestHandler';
import { doorSignature } from '../doorSignature';
import { doorIdentity } from '../DeviceIndex';
import { DOOR_WORKER_FILE } from './doorWorker';
import { workerExecArgv } from '../../workerExecArgv';
import type {
  DoorDevice,
  DoorToMain,
  DoorWorkerData,
  FetchedDevice,
  MainToDoor,
  WorkerDatabaseConfig,
} from './protocol';

export type DoorWorkerHostOptions = {
  host: string;
  port: number;
  allowedNetworks: string[];
  firstCheckDelayMs: number;
  database: WorkerDatabaseConfig;
  renderer: MinimalConfigSource;
  logger: LoggerService;
  /** Fetches the worker recorded, in batches. */
  onFetched: (devices: FetchedDevice[]) => void;
  /** The worker wrote new unknown-device probes. */
  onUnknownRecorded?: () => void;
  /** A device's report (bootstrap progress) is in its timeline. */
  onReported?: (entityRef: string) => void;
  unknownFlushMs?: number;
  /** Serve approved images under /ztp/images/ with these bounds. */
  imageLimits?: ImageDownloadLimits;
  /** Running image downloads that moved, at most once a second each. */
  onImageProgress?: (downloads: ImageDownloadProgress[]) => void;
  imageProgressIntervalMs?: number;
  /** Repeated fetches of a device reported at most this often (30 s). */
  repeatFetchReportMs?: number;
  /** Devices per message to the thread (DEVICES_PER_MESSAGE). */
  devicesPerMessage?: number;
};

/** V8's young generation of the door's thread, in MB. */
export const DOOR_YOUNG_GENERATION_MB = 48;

/** Devices per message to the door's thread (see postChanges). */
export const DEVICES_PER_MESSAGE = 500;

/**
 * Runs the dedicated device door in a worker thread and keeps its table of
 * devices and rendered configurations in step with the queue. Restarts the
 * worker if it dies; its fetches are already durable.
 */
export class DoorWorkerHost {
  private worker?: Worker;
  private sent = new Map<string, string>();
  /** Per device, whether the door's table has it loaded (see diff). */
  private sentLoaded = new Map<string, boolean>();
  /** The queue as last synced, sent whole to a (re)started worker. */
  private latest = new Map<string, DeviceRecord>();
  private images: ServableImage[] = [];
  private stopping = false;
  private addressInfo?: AddressInfo;

  constructor(private readonly options: DoorWorkerHostOptions) {}

  /** Sends the worker what changed since the last call. */
  syncDevices(devices: DeviceRecord[]) {
    this.latest = new Map(devices.map(d => [d.entityRef, d]));
    if (!this.worker) return;
    this.postChanges(devices);
  }

  /**
   * Sends the worker what changed among these devices (read again since
   * the last sync) and drops the removed ones; the rest of the queue is
   * left as it was sent.
   */
  syncChanged(devices: DeviceRecord[], removed: string[]) {
    for (const device of devices) this.latest.set(device.entityRef, device);
    for (const ref of removed) this.latest.delete(ref);
    if (!this.worker) return;
    const changed = devices.filter(device => this.needsSending(device));
    const remove = removed.filter(ref => this.sent.has(ref));
    for (const ref of remove) this.forget(ref);
    if (changed.length || remove.length) this.send(changed, remove);
  }

  /** The verified images the door serves (sent again to a restarted worker). */
  syncImages(images: ServableImage[]) {
    this.images = images;
    this.post({ type: 'images', images });
  }

  /**
   * Sends what changed in messages of DEVICES_PER_MESSAGE devices, each
   * rendered just before it is sent: a restart's 10,000 devices (about 60
   * MB of configurations and files) would otherwise be rendered at once,
   * then copied whole into a message and out of it on the door's thread,
   * three copies alive together at the backend's peak.
   */
  private postChanges(devices: DeviceRecord[]) {
    const { changed, remove } = this.diff(devices);
    this.send(changed, remove);
  }

  private send(changed: DeviceRecord[], remove: string[]) {
    const per = this.options.devicesPerMessage ?? DEVICES_PER_MESSAGE;
    for (let i = 0; i === 0 || i < changed.length; i += per) {
      const upsert = changed
        .slice(i, i + per)
        .map(device => this.rendered(device));
      this.post({
        type: 'devices',
        upsert,
        remove: i === 0 ? remove : [],
        complete: i + per >= changed.length,
      });
    }
  }

  private rendered(device: DeviceRecord): DoorDevice {
    let config: DoorDevice['config'];
    let bootstrap: DoorDevice['bootstrap'];
    try {
      config = { text: this.options.renderer.render(device) };
      bootstrap = this.options.renderer.bootstrap?.(device);
    } catch (error) {
      this.options.logger.error(
        `Could not render the minimal configuration of ${device.entityRef}: ${error}`,
      );
      config = { error: String(error) };
    }
    return { device: doorIdentity(device), config, bootstrap };
  }

  /** The devices to send again (their signature moved) and those to drop. */
  private diff(devices: DeviceRecord[]) {
    const changed: DeviceRecord[] = [];
    const seen = new Set<string>();
    for (const device of devices) {
      seen.add(device.entityRef);
      if (this.needsSending(device)) changed.push(device);
    }
    const remove: string[] = [];
    for (const ref of this.sent.keys()) {
      if (!seen.has(ref)) remove.push(ref);
    }
    for (const ref of remove) this.forget(ref);
    return { changed, remove };
  }

  /** Whether the worker must get this device again; notes it as sent. */
  private needsSending(device: DeviceRecord): boolean {
    const signature =
      this.options.renderer.signature?.(device) ?? doorSignature(device);
    const loaded = device.confMinState === 'loaded';
    // Loading is what the door itself recorded, so it knows; a device
    // set back to Not Loaded (its next fetch is a first one again) is sent.
    const reset = this.sentLoaded.get(device.entityRef) === true && !loaded;
    this.sentLoaded.set(device.entityRef, loaded);
    if (this.sent.get(device.entityRef) === signature && !reset) return false;
    this.sent.set(device.entityRef, signature);
    return true;
  }

  private forget(ref: string) {
    this.sent.delete(ref);
    this.sentLoaded.delete(ref);
  }

  private post(message: MainToDoor) {
    this.worker?.postMessage(message);
  }

  async start(): Promise<AddressInfo> {
    this.stopping = false;
    const workerData: DoorWorkerData = {
      ztpDoorWorker: true,
      host: this.options.host,
      port: this.options.port,
      allowedNetworks: this.options.allowedNetworks,
      firstCheckDelayMs: this.options.firstCheckDelayMs,
      database: this.options.database,
      unknownFlushMs: this.options.unknownFlushMs ?? 5000,
      imageLimits: this.options.imageLimits,
      imageProgressIntervalMs: this.options.imageProgressIntervalMs,
      repeatFetchReportMs: this.options.repeatFetchReportMs,
    };
    const worker = new Worker(DOOR_WORKER_FILE, {
      workerData,
      execArgv: workerExecArgv(DOOR_WORKER_FILE),
      // A storm allocates a little per connection, thousands of times a
      // second, and the storm's RSS carries the whole young generation:
      // 48 MB (V8's own choice for a thread on a machine with memory to
      // spare, fixed here for every machine). 96 MB gave the same rate and
      // p99 within the benchmark's noise, and 64 MB more at the peak.
      resourceLimits: { maxYoungGenerationSizeMb: DOOR_YOUNG_GENERATION_MB },
    });
    this.worker = worker;
    worker.on('message', (m: DoorToMain) => this.onMessage(m));
    this.sent.clear();
    this.postChanges([...this.latest.values()]);
    this.post({ type: 'images', images: this.images });

    const address = await new Promise<AddressInfo>((resolve, reject) => {
      let cleanup = () => {};
      const onMessage = (m: DoorToMain) => {
        if (m.type === 'listening') {
          cleanup();
          resolve({ address: m.address, family: m.family, port: m.port });
        } else if (m.type === 'failed') {
          cleanup();
          reject(
            new Error(
              `The ZTP provisioning server did not start: ${m.message}`,
            ),
          );
        }
      };
      const onExit = (code: number) => {
        cleanup();
        reject(
          new Error(`The ZTP provisioning worker exited with code ${code}`),
        );
      };
      cleanup = () => {
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.on('exit', onExit);
    });
    this.addressInfo = address;

    worker.on('error', error =>
      this.options.logger.error(`ZTP provisioning worker failed: ${error}`),
    );
    worker.on('exit', code => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      if (this.stopping) return;
      this.options.logger.error(
        `ZTP provisioning worker exited (code ${code}); restarting it`,
      );
      setTimeout(() => {
        if (this.stopping) return;
        this.start().catch(error => this.options.logger.error(`${error}`));
      }, 1000).unref();
    });
    return address;
  }

  private onMessage(m: DoorToMain) {
    const { logger } = this.options;
    switch (m.type) {
      case 'fetched':
        this.options.onFetched(m.devices);
        break;
      case 'log':
        logger[m.level](m.message);
        break;
      case 'unknown-recorded':
        this.options.onUnknownRecorded?.();
        break;
      case 'reported':
        this.options.onReported?.(m.entityRef);
        break;
      case 'image-progress':
        this.options.onImageProgress?.(m.downloads);
        break;
      default:
        break;
    }
  }

  address(): AddressInfo | undefined {
    return this.worker ? this.addressInfo : undefined;
  }

  async stop() {
    this.stopping = true;
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>(resolve => {
      const timer = setTimeout(() => {
        worker.terminate().finally(resolve);
      }, 10_000);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage({ type: 'stop' } satisfies MainToDoor);
    });
    this.worker = undefined;
  }
}

/**
 * The database settings a worker thread can open on its own: a SQLite file
 * or PostgreSQL. An in-memory SQLite database exists only on the main
 * thread's connection, so it gets undefined (the door then stays there).
 */
export function workerDatabaseConfig(knexConfig: {
  client?: unknown;
  connection?: unknown;
  searchPath?: unknown;
}): WorkerDatabaseConfig | undefined {
  const client = knexConfig.client;
  const connection =
    typeof knexConfig.connection === 'string'
      ? { connectionString: knexConfig.connection }
      : knexConfig.connection;
  if (!connection || typeof connection !== 'object') return undefined;
  try {
    // Only plain data crosses to a worker (no functions, no sockets).
    structuredClone(connection);
  } catch {
    return undefined;
  }
  let searchPath: string[] | undefined;
  if (Array.isArray(knexConfig.searchPath)) {
    searchPath = knexConfig.searchPath as string[];
  } else if (typeof knexConfig.searchPath === 'string') {
    searchPath = [knexConfig.searchPath];
  }
  if (client === 'better-sqlite3' || client === 'sqlite3') {
    const filename = (connection as { filename?: unknown }).filename;
    if (
      typeof filename !== 'string' ||
      filename === ':memory:' ||
      filename.startsWith('file::memory:')
    ) {
      return undefined;
    }
    return { client: 'better-sqlite3', connection: { filename } };
  }
  if (client === 'pg') {
    return {
      client: 'pg',
      connection: connection as Record<string, unknown>,
      searchPath,
    };
  }
  return undefined;
}
