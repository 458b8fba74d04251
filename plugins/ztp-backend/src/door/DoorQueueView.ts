import type { LoggerService } from '@backstage/backend-plugin-api';
import type { DeviceRecord } from '../database/types';
import type { ZtpStores } from '../database/ZtpStores';
import type { BootstrapRenderer } from '../platforms/BootstrapRenderer';
import { BootstrapFileIndex } from './BootstrapFileIndex';
import { DeviceIndex, doorIdentity, type DoorIdentity } from './DeviceIndex';
import { identifiesDeclaredDevice } from './recognizeDevice';

/** Where the queue's active devices are sent besides this thread. */
type DeviceSink = {
  syncDevices(devices: DeviceRecord[]): void;
  syncChanged(devices: DeviceRecord[], removed: string[]): void;
};

/**
 * A reload of the queue's changes reads again the rows written this long
 * before the previous reload began: a writer stamps updated_at before its
 * transaction commits, and a catalog page's rows are stamped before their
 * passwords are hashed.
 */
const CHANGED_SINCE_OVERLAP_MS = 15_000;

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
  /**
   * Whether this thread keeps whole rows (and renders their files): only
   * while one of its doors may serve a device. When the worker's door is
   * the only one, this thread answers isDeclared alone, from identities:
   * 16 MB less at 10,000 devices, and no rendering here.
   */
  private rowsHere = true;
  private readonly identities = new DeviceIndex<DoorIdentity>();
  /** Reloads run one after the other, in the order they were asked. */
  private reloads: Promise<void> = Promise.resolve();
  /** A whole reload is asked and has not begun: later asks join it. */
  private reloadAllQueued = false;
  /** Devices said to have changed, read again by the next reload of them. */
  private readonly changedRefs = new Set<string>();
  private reloadChangedQueued = false;
  /** The queue's change mark at the last reload. */
  private lastMark?: string;
  /** When the last whole reload began (the scheduling clock). */
  private lastFullReloadAt = -Infinity;
  /** When the last reload began, by the clock writers stamp rows with. */
  private lastReadAt?: number;

  constructor(
    private readonly options: {
      stores: Pick<ZtpStores, 'devices'>;
      renderer: BootstrapRenderer;
      logger: LoggerService;
      /** A scheduled reload reads every device at least this often. */
      fullReloadMs?: number;
      now?: () => number;
    },
  ) {}

  /**
   * The door's worker thread, once chosen, gets every reload too; when it
   * is the only door, this thread keeps identities instead of rows.
   */
  attachWorker(worker: DeviceSink, options: { onlyDoor: boolean }) {
    this.worker = worker;
    this.rowsHere = !options.onlyDoor;
  }

  isDeclared(identifier: string) {
    return identifiesDeclaredDevice(
      this.rowsHere ? this.index : this.identities,
      identifier,
    );
  }

  /**
   * The scheduled reload: skipped while the queue's change mark is the one
   * of the last reload (at 10,000 devices a reload every 10 s of an idle
   * queue was most of the ZTP plugin's garbage); when it moved, only the
   * rows written since the last reload are read (in a boot every device
   * moves its states, and reading all 10,000 rows every 10 s kept a second
   * set of them alive at the backend's peak); every fullReloadMs, all of
   * them, for writes that leave updated_at alone and clocks that disagree.
   */
  async refreshIfChanged() {
    const now = this.options.now ?? Date.now;
    const fullReloadMs = this.options.fullReloadMs ?? 60_000;
    if (now() - this.lastFullReloadAt >= fullReloadMs) {
      await this.refresh();
      return;
    }
    const mark = await this.options.stores.devices.changeMark();
    if (mark === this.lastMark) return;
    await this.serially(() => this.reloadChangedSince());
  }

  /** Reloads every active device now. */
  refresh(): Promise<void> {
    return this.serially(() => this.reloadAll());
  }

  /**
   * The queue's changes reach the door page by page of a catalog pass;
   * whole reloads asked before the last one began collapse into it.
   */
  refreshSoon() {
    if (this.reloadAllQueued) return;
    this.reloadAllQueued = true;
    this.inBackground(() => {
      this.reloadAllQueued = false;
      return this.reloadAll();
    });
  }

  /** Devices' configuration changed: rendered again, read again. */
  changed(...entityRefs: string[]) {
    for (const ref of entityRefs) {
      this.rendered.delete(ref);
      this.changedRefs.add(ref);
    }
    if (this.reloadChangedQueued) return;
    this.reloadChangedQueued = true;
    this.inBackground(() => {
      this.reloadChangedQueued = false;
      return this.reloadChanged();
    });
  }

  /** A reload nobody waits for: after the others, its failure logged. */
  private inBackground(reload: () => Promise<void>) {
    this.serially(reload).catch(e =>
      this.options.logger.warn(`Could not refresh the ZTP index: ${e}`),
    );
  }

  private serially(reload: () => Promise<void>): Promise<void> {
    const run = this.reloads.then(reload, reload);
    this.reloads = run.catch(() => {});
    return run;
  }

  private async reloadAll() {
    const { stores } = this.options;
    // Read before the rows: a write in between makes the next one differ.
    const mark = await stores.devices.changeMark();
    const readAt = Date.now();
    this.lastFullReloadAt = (this.options.now ?? Date.now)();
    const devices = await stores.devices.listActiveDevices();
    this.lastMark = mark;
    this.lastReadAt = readAt;
    this.worker?.syncDevices(devices);
    if (!this.rowsHere) {
      this.identities.replaceAll(devices.map(doorIdentity));
      return;
    }
    this.index.replaceAll(devices);
    const active = new Set<string>();
    for (const device of devices) {
      active.add(device.entityRef);
      this.renderIfChanged(device);
    }
    for (const ref of this.rendered.keys()) {
      if (!active.has(ref)) this.rendered.delete(ref);
    }
    this.bootstrapFiles.retain(active);
  }

  private async reloadChangedSince() {
    if (this.lastReadAt === undefined) {
      await this.reloadAll();
      return;
    }
    const { stores } = this.options;
    const mark = await stores.devices.changeMark();
    const readAt = Date.now();
    const devices = await stores.devices.listDevicesChangedSince(
      new Date(this.lastReadAt - CHANGED_SINCE_OVERLAP_MS),
    );
    this.lastMark = mark;
    this.lastReadAt = readAt;
    this.apply(devices, []);
  }

  /** The devices said to have changed, read again together. */
  private async reloadChanged() {
    const refs = [...this.changedRefs];
    this.changedRefs.clear();
    try {
      const devices = await this.options.stores.devices.getDevices(refs);
      const found = new Set(devices.map(d => d.entityRef));
      this.apply(
        devices,
        refs.filter(ref => !found.has(ref)),
      );
    } catch (error) {
      // Asked again with the next change; the whole reload catches up.
      for (const ref of refs) this.changedRefs.add(ref);
      throw error;
    }
  }

  /** Rows read again: those in the catalog kept, the others dropped. */
  private apply(devices: DeviceRecord[], gone: string[]) {
    const kept: DeviceRecord[] = [];
    const removed = [...gone];
    for (const device of devices) {
      if (device.inCatalog) kept.push(device);
      else removed.push(device.entityRef);
    }
    this.worker?.syncChanged(kept, removed);
    if (!this.rowsHere) {
      for (const ref of removed) this.identities.remove(ref);
      for (const device of kept) this.identities.upsert(doorIdentity(device));
      return;
    }
    for (const ref of removed) {
      this.index.remove(ref);
      this.rendered.delete(ref);
      this.bootstrapFiles.remove(ref);
    }
    for (const device of kept) {
      this.index.upsert(device);
      this.renderIfChanged(device);
    }
  }

  /**
   * Rendered again only when what they are made of changed: a reload
   * every few seconds of 10,000 devices would otherwise render them all
   * each time, and the garbage of it sets the backend's memory.
   */
  private renderIfChanged(device: DeviceRecord) {
    const { renderer } = this.options;
    const signature = renderer.signature(device);
    if (this.rendered.get(device.entityRef) === signature) return;
    this.rendered.set(device.entityRef, signature);
    try {
      this.bootstrapFiles.set(device.entityRef, renderer.bootstrap(device));
    } catch {
      // Logged by the door when it renders the configuration.
      this.bootstrapFiles.set(device.entityRef, undefined);
    }
  }
}
