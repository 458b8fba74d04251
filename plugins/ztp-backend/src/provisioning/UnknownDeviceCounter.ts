import type { ZtpStore } from '../database/types';

/**
 * Counts requests from devices nobody declared. A device stuck in a boot
 * loop asks every few seconds: its probes are counted in memory and written
 * as one row per source and identifier, not one row per request.
 */
export class UnknownDeviceCounter {
  private pending = new Map<
    string,
    { sourceIp: string; identifier: string; at: Date; count: number }
  >();

  constructor(private readonly store: ZtpStore) {}

  count(sourceIp: string, identifier: string) {
    const key = `${sourceIp}\u0000${identifier}`;
    const entry = this.pending.get(key);
    if (entry) {
      entry.count++;
      entry.at = new Date();
    } else {
      this.pending.set(key, { sourceIp, identifier, at: new Date(), count: 1 });
    }
  }

  /** Writes what was counted; resolves with the number of rows written. */
  async flush(): Promise<number> {
    if (!this.pending.size) return 0;
    const probes = [...this.pending.values()];
    this.pending = new Map();
    await this.store.recordUnknownDevices(probes);
    return probes.length;
  }
}
