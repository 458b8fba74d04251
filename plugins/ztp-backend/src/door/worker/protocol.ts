import type { DeviceRecord } from '../../database/types';
import type { DoorIdentity } from '../DeviceIndex';
import type { ServableImage } from '../../images/ImageCatalog';
import type {
  ImageDownloadLimits,
  ImageDownloadProgress,
} from '../ImageDownloads';
import type { DeviceBootstrap } from '../BootstrapFileIndex';

/** How the door worker reaches the plugin's database on its own. */
export type WorkerDatabaseConfig = {
  client: 'better-sqlite3' | 'pg';
  connection: Record<string, unknown>;
  searchPath?: string[];
};

/** Everything the door worker needs to start. */
export type DoorWorkerData = {
  ztpDoorWorker: true;
  host: string;
  port: number;
  allowedNetworks: string[];
  firstCheckDelayMs: number;
  database: WorkerDatabaseConfig;
  /** How often the unknown-device counts are written. */
  unknownFlushMs: number;
  /** Bounds of image downloads at once (ztp.images.downloads). */
  imageLimits?: ImageDownloadLimits;
  /** How often running downloads report their progress (1 s). */
  imageProgressIntervalMs?: number;
  /**
   * A device's repeated fetches are passed to the main thread at most this
   * often (REFETCH_SIGNAL_INTERVAL_MS, as the main thread publishes them).
   */
  repeatFetchReportMs?: number;
};

/** A device as the door needs it: its identities and its rendered bytes. */
export type DoorDevice = {
  device: DoorIdentity;
  /** The minimal configuration, or an error message when it cannot render. */
  config: { text: string } | { error: string };
  /** The files its platform's own ZTP agent asks for. */
  bootstrap?: DeviceBootstrap;
};

/** A recorded fetch, as the main thread needs it for signals and checks. */
export type FetchedDevice = {
  entityRef: string;
  serialState: DeviceRecord['serialState'];
  /** The device's first fetch (Conf Min Not Loaded to Loaded). */
  first: boolean;
};

export type MainToDoor =
  | {
      type: 'devices';
      upsert: DoorDevice[];
      remove: string[];
      /** The last message of a change: the door opens only once it is in. */
      complete: boolean;
    }
  | { type: 'images'; images: ServableImage[] }
  | { type: 'stop' };

export type DoorToMain =
  | { type: 'listening'; address: string; family: string; port: number }
  | { type: 'failed'; message: string }
  | { type: 'fetched'; devices: FetchedDevice[] }
  | { type: 'unknown-recorded' }
  | { type: 'reported'; entityRef: string }
  /** Downloads that moved since the last report (at most one a second). */
  | { type: 'image-progress'; downloads: ImageDownloadProgress[] }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'stopped' };
