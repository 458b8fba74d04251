import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_HOSTNAME,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_MANAGEMENT_ADDRESS,
  ANNOTATION_SERIAL,
  isValidHostname,
  NETWORK_DEVICE_TYPE,
  normalizeMac,
  normalizeSerial,
  parseInterfaceAddress,
  validateSerial,
} from '@ztp-portal/backstage-plugin-ztp-common';

/**
 * The values that must be unique across the fleet, each normalised so that
 * notations of the same value compare equal. A value is absent when the
 * device does not declare it or declares it malformed (reported elsewhere).
 */
export type UniqueDeviceValues = {
  serial?: string;
  macAddress?: string;
  hostname?: string;
  managementIp?: string;
};

/** One value a device shares with other devices that keep it. */
export type DeviceClash = {
  annotation: string;
  value: string;
  /** Entity refs of the devices that keep the value. */
  heldBy: string[];
};

type Field = {
  annotation: string;
  read: (annotations: Record<string, string>) => string | undefined;
  /** The notations another entity may have written the same value in. */
  notations: (value: string) => string[];
};

const FIELDS: Record<keyof UniqueDeviceValues, Field> = {
  serial: {
    annotation: ANNOTATION_SERIAL,
    read: a => {
      const v = a[ANNOTATION_SERIAL];
      return v !== undefined && !validateSerial(v)
        ? normalizeSerial(v)
        : undefined;
    },
    // The catalog compares filter values without regard to letter case.
    notations: v => [v],
  },
  macAddress: {
    annotation: ANNOTATION_MAC_ADDRESS,
    read: a => {
      const v = a[ANNOTATION_MAC_ADDRESS];
      return v === undefined ? undefined : normalizeMac(v);
    },
    notations: v => {
      const octets = v.split(':');
      const pairs = [0, 2, 4].map(i => octets[i] + octets[i + 1]);
      return [v, octets.join('-'), pairs.join('.'), octets.join('')];
    },
  },
  hostname: {
    annotation: ANNOTATION_HOSTNAME,
    read: a => {
      const v = a[ANNOTATION_HOSTNAME];
      return v !== undefined && isValidHostname(v)
        ? v.toLocaleLowerCase('en-US')
        : undefined;
    },
    notations: v => [v],
  },
  managementIp: {
    annotation: ANNOTATION_MANAGEMENT_ADDRESS,
    read: a => {
      const v = a[ANNOTATION_MANAGEMENT_ADDRESS];
      return v === undefined ? undefined : parseInterfaceAddress(v)?.ip;
    },
    // The same IP with any prefix length is the same device address.
    notations: ip =>
      Array.from(
        { length: ip.includes(':') ? 129 : 32 },
        (_, len) => `${ip}/${len}`,
      ),
  },
};

/** The annotation each unique value is declared in. */
export const UNIQUE_VALUE_ANNOTATIONS = Object.fromEntries(
  Object.entries(FIELDS).map(([key, field]) => [key, field.annotation]),
) as Record<keyof UniqueDeviceValues, string>;

/** The unique values of a device, read from its annotations. */
export function uniqueDeviceValues(
  annotations: Record<string, string>,
): UniqueDeviceValues {
  const values: UniqueDeviceValues = {};
  for (const [key, field] of Object.entries(FIELDS)) {
    const value = field.read(annotations);
    if (value) values[key as keyof UniqueDeviceValues] = value;
  }
  return values;
}

function refKey(ref: string) {
  return ref.toLocaleLowerCase('en-US');
}

/**
 * Finds the values of a device that other network devices in the catalog
 * already have, with one catalog query.
 *
 * Which of two devices with the same value is in the wrong:
 * - a device keeps a value it already has in the catalog; a device that
 *   declares a value that another device has in the catalog is in the wrong
 *   (a failed entity keeps its last good version in the catalog, so a
 *   device that tries to take a value never takes it);
 * - when both have the value in the catalog (two new declarations
 *   processed at the same moment), the one whose entity ref sorts first
 *   keeps it.
 *
 * @param entityRef - The device being checked, which may itself be in the
 *   catalog, or not yet (a new declaration).
 */
export async function findDeviceClashes(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  entityRef: string;
  values: UniqueDeviceValues;
}): Promise<DeviceClash[]> {
  const { catalog, credentials, values } = options;
  const self = refKey(options.entityRef);
  const fields = (Object.keys(FIELDS) as (keyof UniqueDeviceValues)[]).filter(
    key => values[key],
  );
  if (!fields.length) return [];

  // One filter per value, in any of its notations; the filters are OR-ed.
  const { items } = await catalog.getEntities(
    {
      filter: fields.map(key => ({
        kind: 'Resource',
        'spec.type': NETWORK_DEVICE_TYPE,
        [`metadata.annotations.${FIELDS[key].annotation}`]: FIELDS[
          key
        ].notations(values[key]!),
      })),
      fields: [
        'kind',
        'metadata.namespace',
        'metadata.name',
        'metadata.annotations',
      ],
    },
    { credentials },
  );

  const candidates = items.map((entity: Entity) => ({
    ref: refKey(stringifyEntityRef(entity)),
    display: stringifyEntityRef(entity),
    values: uniqueDeviceValues(entity.metadata.annotations ?? {}),
  }));

  const clashes: DeviceClash[] = [];
  for (const key of fields) {
    const value = values[key]!;
    const holders = candidates.filter(c => c.values[key] === value);
    const others = holders.filter(c => c.ref !== self);
    const alreadyMine = holders.some(c => c.ref === self);
    const winners = alreadyMine ? others.filter(c => c.ref < self) : others;
    if (winners.length) {
      clashes.push({
        annotation: FIELDS[key].annotation,
        value,
        heldBy: winners.map(c => c.display).sort(),
      });
    }
  }
  return clashes;
}

/** The processing error message of a clash. */
export function describeClash(clash: DeviceClash): string {
  const devices = clash.heldBy.join(', ');
  return `${clash.annotation}: ${clash.value} is already declared by ${devices}; each device needs its own value (the device that declared it first keeps it)`;
}
