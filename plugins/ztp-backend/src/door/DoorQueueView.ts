import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DeviceRecord } from '../database/types';
import type { ZtpStores } from '../database/ZtpStores';
import type { BootstrapRenderer } from '../platforms/BootstrapRenderer';
import { BootstrapFileIndex } from './BootstrapFileIndex';
import { DeviceIndex } from './DeviceIndex';
import { identifiesDeclaredDevice } from './recognizeDevice';

/** Where the queue's active devices are sent besides this thread. */
type DeviceSink = { syncDevices(devices: DeviceRecord[]): void };

/**
 * What the device doors know of the ZTP queue: the index of active
 * devices and their bootstrap files, reloaded from the store.
 */
export class DoorQueueView {
  readonly index = new DeviceIndex();
  // The bootstrap files the main thread's doors (plugin router, TFTP)
  // serve, by name, rendered again when asked for; the door's worker keeps
  // its own with their bodies, from the same renderer.
  readonly bootstrapFiles = new BootstrapFileIndex({
    renderAgain: entityRef => {
      const device = this.index.get(entityRef);
      try {
        return device && this.options.renderer.bootstrap(device);
      } catch {
        return undefined; // as when its first render failed (refresh)
      }
    },
  });
  /** Per device, the signature its bootstrap files were rendered for. */
  private readonly rendered = new Map<string, string>();
  private worker: DeviceSink | undefined;
  private pending: Promise<void> | undefined;
  private stale = false;
  /** The queue's change mark at the last reload, and when that was. */
  private lastMark?: string;
  private lastReloadAt = -Infinity;

  constructor(
    private readonly options: {
      stores: Pick<ZtpStores, 'devices'>;
      renderer: BootstrapRenderer;
      logger: LoggerService;
      /** A scheduled reload happens at least this often, changed or not. */
      fullReloadMs?: number;
      now?: () => number;
    },
  ) {}

  /** The door's worker thread, once chosen, gets every reload too. */
  attachWorker(worker: DeviceSink) {
    this.worker = worker;
  }

  isDeclared(identifier: string) {
    return identifiesDeclaredDevice(this.index, identifier);
  }

  /**
   * The scheduled reload: skipped while the queue's change mark is the one
   * of the last reload (at 10,000 devices a reload every 10 s of an idle
   * queue was most of the ZTP plugin's garbage), but done at least every
   * fullReloadMs, for writes that leave updated_at alone.
   */
  async refreshIfChanged() {
    const now = this.options.now ?? Date.now;
    const mark = await this.options.stores.devices.changeMark();
    const fullReloadMs = this.options.fullReloadMs ?? 60_000;
    if (mark === this.lastMark && now() - this.lastReloadAt < fullReloadMs) {
      return;
    }
    await this.refresh();
  }

  /** Reloads the active devices now. */
  async refresh() {
    const { stores, renderer } = this.options;
    // Read before the rows: a write in between makes the next one differ.
    const mark = await stores.devices.changeMark();
    this.lastReloadAt = (this.options.now ?? Date.now)();
    const devices = await stores.devices.listActiveDevices();
    this.lastMark = mark;
    this.index.replaceAll(devices);
    const active = new Set<string>();
    for (const device of devices) {
      active.add(device.entityRef);
      // Rendered again only when what they are made of changed: a reload
      // every few seconds of 10,000 devices would otherwise render them all
      // each time, and the garbage of it sets the backend's memory.
      const signature = renderer.signature(device);
      if (this.rendered.get(device.entityRef) === signature) continue;
      this.rendered.set(device.entityRef, signature);
      try {
        this.bootstrapFiles.set(device.entityRef, renderer.bootstrap(device));
      } catch {
        // Logged by the door when it renders the configuration.
        this.bootstrapFiles.set(device.entityRef, undefined);
      }
    }
    for (const ref of this.rendered.keys()) {
      if (!active.has(ref)) this.rendered.delete(ref);
    }
    this.bootstrapFiles.retain(active);
    this.worker?.syncDevices(devices);
  }

  /**
   * The queue's changes reach the door page by page of a catalog pass;
   * refreshes that pile up meanwhile collapse into one.
   */
  refreshSoon() {
    if (this.pending) {
      this.stale = true;
      return;
    }
    this.pending = this.refresh()
      .catch(e =>
        this.options.logger.warn(`Could not refresh the ZTP index: ${e}`),
      )
      .finally(() => {
        this.pending = undefined;
        if (this.stale) {
          this.stale = false;
          this.refreshSoon();
        }
      });
  }

  /** A device's configuration changed: rendered again, index reloaded. */
  changed(...entityRefs: string[]) {
    for (const ref of entityRefs) this.rendered.delete(ref);
    this.refreshSoon();
  }
}
