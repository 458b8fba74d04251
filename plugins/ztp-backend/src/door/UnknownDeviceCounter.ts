import { ZTP_INPUT_LIMITS } from '@ztp-portal/backstage-plugin-ztp-common';
import { isDataError } from '../database/dataErrors';
import type { UnknownDeviceStore } from '../database/UnknownDeviceStore';

type Probe = { sourceIp: string; identifier: string; at: Date; count: number };

/**
 * Counts requests from devices nobody declared. A device stuck in a boot
 * loop asks every few seconds: its probes are counted in memory and written
 * as one row per source and identifier, not one row per request.
 */
export class UnknownDeviceCounter {
  private pending = new Map<string, Probe>();

  constructor(private readonly store: UnknownDeviceStore) {}

  /**
   * Counts one probe. The door checks what a device sent before counting
   * it; an identifier no column could keep is not counted (and said so).
   */
  count(sourceIp: string, identifier: string): boolean {
    if (
      identifier.length > ZTP_INPUT_LIMITS.unknownIdentifier ||
      sourceIp.length > 64 ||
      identifier.includes('\u0000')
    ) {
      return false;
    }
    this.add({ sourceIp, identifier, at: new Date(), count: 1 });
    return true;
  }

  private add(probe: Probe) {
    const key = `${probe.sourceIp}\u0000${probe.identifier}`;
    const entry = this.pending.get(key);
    if (entry) {
      entry.count += probe.count;
      if (probe.at > entry.at) entry.at = probe.at;
    } else {
      this.pending.set(key, { ...probe });
    }
  }

  /**
   * Writes what was counted; resolves with the number of rows written.
   * Probes stay counted until their write succeeds: a failed flush loses
   * none of them, and one probe the database refuses is dropped alone.
   */
  async flush(): Promise<number> {
    if (!this.pending.size) return 0;
    const probes = [...this.pending.values()];
    this.pending = new Map();
    try {
      await this.store.recordUnknownDevices(probes);
      return probes.length;
    } catch (error) {
      if (!isDataError(error)) {
        probes.forEach(p => this.add(p));
        throw error;
      }
    }
    let written = 0;
    for (const probe of probes) {
      try {
        await this.store.recordUnknownDevices([probe]);
        written++;
      } catch (error) {
        if (!isDataError(error)) this.add(probe);
      }
    }
    return written;
  }
}
