import {
  normalizeMac,
  normalizeSerial,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceRecord } from '../database/types';

/**
 * In-memory lookup of the devices in the queue by every identity a booting
 * device can present, so that the provisioning hot path never waits on a
 * query to find out who is asking.
 */
export class DeviceIndex {
  private byRef = new Map<string, DeviceRecord>();
  private byMac = new Map<string, string>();
  private byHostname = new Map<string, string>();
  private byIp = new Map<string, string>();
  private bySerial = new Map<string, string>();

  replaceAll(devices: DeviceRecord[]) {
    const next = new DeviceIndex();
    for (const d of devices) next.put(d);
    this.byRef = next.byRef;
    this.byMac = next.byMac;
    this.byHostname = next.byHostname;
    this.byIp = next.byIp;
    this.bySerial = next.bySerial;
  }

  /** Adds a device or replaces its previous identities. */
  upsert(d: DeviceRecord) {
    this.remove(d.entityRef);
    this.put(d);
  }

  remove(entityRef: string) {
    const old = this.byRef.get(entityRef);
    if (!old) return;
    this.byRef.delete(entityRef);
    // Only drop keys still pointing at this device: another device may have
    // taken one over meanwhile.
    const drop = (map: Map<string, string>, key: string | undefined) => {
      if (key !== undefined && map.get(key) === entityRef) map.delete(key);
    };
    drop(this.byMac, old.macAddress ?? undefined);
    drop(this.byHostname, old.hostname.toLocaleLowerCase('en-US'));
    drop(this.byIp, old.managementIp);
    drop(this.bySerial, normalizeSerial(old.expectedSerial));
  }

  private put(d: DeviceRecord) {
    this.byRef.set(d.entityRef, d);
    if (d.macAddress) this.byMac.set(d.macAddress, d.entityRef);
    this.byHostname.set(d.hostname.toLocaleLowerCase('en-US'), d.entityRef);
    this.byIp.set(d.managementIp, d.entityRef);
    this.bySerial.set(normalizeSerial(d.expectedSerial), d.entityRef);
  }

  get size() {
    return this.byRef.size;
  }

  get(entityRef: string): DeviceRecord | undefined {
    return this.byRef.get(entityRef);
  }

  findByMac(mac: string): DeviceRecord | undefined {
    const normalized = normalizeMac(mac);
    const ref = normalized && this.byMac.get(normalized);
    return ref ? this.byRef.get(ref) : undefined;
  }

  findByHostname(hostname: string): DeviceRecord | undefined {
    const h = hostname.toLocaleLowerCase('en-US');
    // Devices may ask with their FQDN or the short name.
    const ref = this.byHostname.get(h) ?? this.byHostname.get(h.split('.')[0]);
    return ref ? this.byRef.get(ref) : undefined;
  }

  findByIp(ip: string): DeviceRecord | undefined {
    const ref = this.byIp.get(ip);
    return ref ? this.byRef.get(ref) : undefined;
  }

  findBySerial(serial: string): DeviceRecord | undefined {
    const ref = this.bySerial.get(normalizeSerial(serial));
    return ref ? this.byRef.get(ref) : undefined;
  }
}
