import type { AuthService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { NETWORK_DEVICE_TYPE } from '@ztp-portal/backstage-plugin-ztp-common';
import {
  DeviceClash,
  UniqueDeviceValues,
  uniqueDeviceValues,
  UNIQUE_VALUE_ANNOTATIONS,
} from '@ztp-portal/backstage-plugin-ztp-node';

function refKey(ref: string) {
  return ref.toLocaleLowerCase('en-US');
}

const KEYS = Object.keys(
  UNIQUE_VALUE_ANNOTATIONS,
) as (keyof UniqueDeviceValues)[];

/** Devices read per catalog page when the index is (re)built. */
const PAGE_SIZE = 1000;

/**
 * The devices holding a value: almost always one, kept as its ref alone.
 * A Set per value cost ~200 bytes, and 10,000 devices have ~40,000 values.
 */
type Holders = string | string[];

function holdersOf(held: Holders | undefined): readonly string[] {
  if (held === undefined) return [];
  return typeof held === 'string' ? [held] : held;
}

function withHolder(held: Holders | undefined, ref: string): Holders {
  if (held === undefined || held === ref) return ref;
  if (typeof held === 'string') return [held, ref];
  return held.includes(ref) ? held : [...held, ref];
}

function withoutHolder(held: Holders, ref: string): Holders | undefined {
  if (typeof held === 'string') return held === ref ? undefined : held;
  const rest = held.filter(r => r !== ref);
  return rest.length > 1 ? rest : rest[0];
}

/**
 * The unique values of every network device in the catalog, kept by the
 * catalog module so that checking a device costs no catalog query: the
 * index is read from the catalog in one paged pass when it is older than
 * maxAgeMs (a few queries for the whole fleet, not one per entity), and
 * follows each device the processor accepts in between.
 *
 * Which of two devices with the same value is in the wrong:
 * - a device keeps a value it already has in the catalog; a device that
 *   declares a value that another device has in the catalog is in the wrong
 *   (a failed entity keeps its last good version in the catalog, so a
 *   device that tries to take a value never takes it);
 * - when both have the value in the catalog (two new declarations
 *   processed at the same moment), the one whose entity ref sorts first
 *   keeps it.
 */
export class UniqueValueIndex {
  /** Each device's values and ref as written, by lower-case ref. */
  private devices = new Map<
    string,
    { display: string; values: UniqueDeviceValues }
  >();
  /** Lower-case refs of the devices holding each value, per field. */
  private holders = new Map<keyof UniqueDeviceValues, Map<string, Holders>>();
  private loadedAt = -Infinity;
  private loading?: Promise<void>;
  /**
   * Devices refused for a value others hold, by field and value, as
   * written: told when the value is theirs to take. A refused device is
   * otherwise processed again only at the catalog's processing interval.
   */
  private readonly claims = new Map<
    keyof UniqueDeviceValues,
    Map<string, Set<string>>
  >();

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      /** How long the index read from the catalog is trusted. */
      maxAgeMs?: number;
      /** Refused devices whose values are free now: to process again. */
      onFreed?: (entityRefs: string[]) => void;
    },
  ) {}

  /**
   * The values of a device that other network devices already have.
   * @param entityRef - The device being checked, which may itself be in the
   *   catalog, or not yet (a new declaration).
   */
  async clashes(
    entityRef: string,
    values: UniqueDeviceValues,
  ): Promise<DeviceClash[]> {
    await this.fresh();
    const self = refKey(entityRef);
    const clashes: DeviceClash[] = [];
    for (const key of KEYS) {
      const value = values[key];
      if (!value) continue;
      const winners = this.winnersOver(self, key, value);
      if (!winners.length) {
        this.claims.get(key)?.get(value)?.delete(entityRef);
      } else {
        this.claimersOf(key, value).add(entityRef);
        clashes.push({
          annotation: UNIQUE_VALUE_ANNOTATIONS[key],
          value,
          heldBy: winners.map(ref => this.devices.get(ref)!.display).sort(),
        });
      }
    }
    return clashes;
  }

  /**
   * Takes the values of a device the processor accepted: the catalog is
   * about to hold them, and another device declaring one before the next
   * read of the catalog must be told.
   */
  record(entityRef: string, values: UniqueDeviceValues) {
    this.put(this.devices, this.holders, entityRef, values);
    // Accepted: whatever it claimed before is settled.
    for (const byValue of this.claims.values()) {
      for (const claimers of byValue.values()) claimers.delete(entityRef);
    }
    this.tellFreedClaims();
  }

  private claimersOf(key: keyof UniqueDeviceValues, value: string) {
    let byValue = this.claims.get(key);
    if (!byValue) this.claims.set(key, (byValue = new Map()));
    let claimers = byValue.get(value);
    if (!claimers) byValue.set(value, (claimers = new Set()));
    return claimers;
  }

  /** The devices that keep a value over `self`, by lower-case ref. */
  private winnersOver(
    self: string,
    key: keyof UniqueDeviceValues,
    value: string,
  ) {
    const refs = holdersOf(this.holders.get(key)?.get(value));
    const others = refs.filter(ref => ref !== self);
    return refs.includes(self) ? others.filter(ref => ref < self) : others;
  }

  /** Refused devices whose value nobody keeps over them any more. */
  private tellFreedClaims() {
    const freed: string[] = [];
    for (const [key, byValue] of this.claims) {
      for (const [value, claimers] of byValue) {
        for (const claimer of claimers) {
          if (this.winnersOver(refKey(claimer), key, value).length) continue;
          claimers.delete(claimer);
          freed.push(claimer);
        }
        if (!claimers.size) byValue.delete(value);
      }
    }
    if (freed.length) this.options.onFreed?.([...new Set(freed)]);
  }

  private async fresh() {
    const maxAgeMs = this.options.maxAgeMs ?? 120_000;
    if (Date.now() - this.loadedAt < maxAgeMs) return;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  private async load() {
    const { catalog, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const devices: typeof this.devices = new Map();
    const holders: typeof this.holders = new Map();
    let cursor: string | undefined;
    do {
      const fields = [
        'kind',
        'metadata.namespace',
        'metadata.name',
        'metadata.annotations',
      ];
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: PAGE_SIZE, fields }
          : {
              filter: { kind: 'Resource', 'spec.type': NETWORK_DEVICE_TYPE },
              orderFields: { field: 'metadata.name', order: 'asc' },
              limit: PAGE_SIZE,
              fields,
            },
        { credentials },
      );
      for (const entity of page.items) {
        this.put(
          devices,
          holders,
          stringifyEntityRef(entity),
          uniqueDeviceValues(entity.metadata.annotations ?? {}),
        );
      }
      cursor = page.pageInfo?.nextCursor;
    } while (cursor);
    this.devices = devices;
    this.holders = holders;
    this.loadedAt = Date.now();
    this.tellFreedClaims();
  }

  private put(
    devices: typeof this.devices,
    holders: typeof this.holders,
    entityRef: string,
    values: UniqueDeviceValues,
  ) {
    const ref = refKey(entityRef);
    const before = devices.get(ref)?.values;
    for (const key of KEYS) {
      let byValue = holders.get(key);
      const old = before?.[key];
      const held = old !== undefined ? byValue?.get(old) : undefined;
      if (byValue && old !== undefined && held !== undefined) {
        // An emptied value is forgotten, not kept as an empty entry.
        const rest = withoutHolder(held, ref);
        if (rest === undefined) byValue.delete(old);
        else byValue.set(old, rest);
      }
      const value = values[key];
      if (!value) continue;
      if (!byValue) holders.set(key, (byValue = new Map()));
      byValue.set(value, withHolder(byValue.get(value), ref));
    }
    devices.set(ref, { display: entityRef, values });
  }
}
