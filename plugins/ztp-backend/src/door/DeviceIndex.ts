import {
  normalizeMac,
  normalizeSerial,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceRecord } from '../database/types';

/**
 * What the door reads of a device: the identities it is recognised by and
 * the states a fetch moves. The door's thread keeps only this (seven of a
 * row's forty fields: no account, no catalog fields): less memory, and
 * nothing secret on the thread that faces the provisioning network.
 */
export type DoorIdentity = Pick<
  DeviceRecord,
  | 'entityRef'
  | 'macAddress'
  | 'hostname'
  | 'managementIp'
  | 'expectedSerial'
  | 'serialState'
  | 'confMinState'
>;

/** A device's DoorIdentity alone, as sent to the door's thread. */
export function doorIdentity(d: DoorIdentity): DoorIdentity {
  return {
    entityRef: d.entityRef,
    macAddress: d.macAddress,
    hostname: d.hostname,
    managementIp: d.managementIp,
    expectedSerial: d.expectedSerial,
    serialState: d.serialState,
    confMinState: d.confMinState,
  };
}

/**
 * In-memory lookup of the devices in the queue by every identity a booting
 * device can present, so that the provisioning hot path never waits on a
 * query to find out who is asking.
 */
export class DeviceIndex<D extends DoorIdentity = DeviceRecord> {
  private byRef = new Map<string, D>();
  private byMac = new Map<string, string>();
  private byHostname = new Map<string, string>();
  private byIp = new Map<string, string>();
  private bySerial = new Map<string, string>();

  replaceAll(devices: D[]) {
    const next = new DeviceIndex<D>();
    for (const d of devices) next.put(d);
    this.byRef = next.byRef;
    this.byMac = next.byMac;
    this.byHostname = next.byHostname;
    this.byIp = next.byIp;
    this.bySerial = next.bySerial;
  }

  /** Adds a device or replaces its previous identities. */
  upsert(d: D) {
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

  private put(d: D) {
    this.byRef.set(d.entityRef, d);
    if (d.macAddress) this.byMac.set(d.macAddress, d.entityRef);
    this.byHostname.set(d.hostname.toLocaleLowerCase('en-US'), d.entityRef);
    this.byIp.set(d.managementIp, d.entityRef);
    this.bySerial.set(normalizeSerial(d.expectedSerial), d.entityRef);
  }

  get size() {
    return this.byRef.size;
  }

  get(entityRef: string): D | undefined {
    return this.byRef.get(entityRef);
  }

  findByMac(mac: string): D | undefined {
    const normalized = normalizeMac(mac);
    const ref = normalized && this.byMac.get(normalized);
    return ref ? this.byRef.get(ref) : undefined;
  }

  findByHostname(hostname: string): D | undefined {
    const h = hostname.toLocaleLowerCase('en-US');
    // Devices may ask with their FQDN or the short name.
    const ref = this.byHostname.get(h) ?? this.byHostname.get(h.split('.')[0]);
    return ref ? this.byRef.get(ref) : undefined;
  }

  findByIp(ip: string): D | undefined {
    const ref = this.byIp.get(ip);
    return ref ? this.byRef.get(ref) : undefined;
  }

  findBySerial(serial: string): D | undefined {
    const ref = this.bySerial.get(normalizeSerial(serial));
    return ref ? this.byRef.get(ref) : undefined;
  }
}
