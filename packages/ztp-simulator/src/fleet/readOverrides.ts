import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

/** How one device of the fleet differs from its catalog entry. */
export type DeviceOverride = {
  /** The serial the hardware really has (to provoke a Mismatch). */
  realSerial?: string;
  slowMs?: number;
  unreachable?: boolean;
  refusePassword?: boolean;
  shellOnly?: boolean;
  legacyAlgorithms?: boolean;
  keyboardInteractive?: boolean;
  dropAfterConfigLines?: number;
  flashFreeBytes?: number;
  corruptImageDownloads?: boolean;
  bootDelayMs?: number;
  model?: string;
  sshPort?: number;
};

const TYPES: Record<keyof DeviceOverride, 'string' | 'number' | 'boolean'> = {
  realSerial: 'string',
  slowMs: 'number',
  unreachable: 'boolean',
  refusePassword: 'boolean',
  shellOnly: 'boolean',
  legacyAlgorithms: 'boolean',
  keyboardInteractive: 'boolean',
  dropAfterConfigLines: 'number',
  flashFreeBytes: 'number',
  corruptImageDownloads: 'boolean',
  bootDelayMs: 'number',
  model: 'string',
  sshPort: 'number',
};

/**
 * Reads an overrides file:
 *   devices:
 *     leaf-01: { realSerial: FOC0000X0XX, slowMs: 3000 }
 * Unknown keys and wrong types are errors, so a typo does not silently
 * leave a device behaving normally.
 */
export async function readOverrides(
  file: string,
): Promise<Record<string, DeviceOverride>> {
  const data = parse(await readFile(file, 'utf8')) as unknown;
  if (data === null || data === undefined) return {};
  const devices = (data as { devices?: unknown }).devices;
  if (
    typeof data !== 'object' ||
    (devices !== undefined && (typeof devices !== 'object' || devices === null))
  ) {
    throw new Error(
      `${file}: expected "devices:" with one entry per entity name`,
    );
  }
  const result: Record<string, DeviceOverride> = {};
  for (const [name, raw] of Object.entries(
    (devices ?? {}) as Record<string, unknown>,
  )) {
    if (raw === null || typeof raw !== 'object') {
      throw new Error(`${file}: devices.${name} must be a mapping`);
    }
    const override: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      const type = TYPES[key as keyof DeviceOverride];
      if (!type) {
        throw new Error(
          `${file}: devices.${name}.${key} is not a known override (${Object.keys(
            TYPES,
          ).join(', ')})`,
        );
      }
      const actual =
        key === 'realSerial' && typeof value === 'number'
          ? String(value)
          : value;
      if (typeof actual !== type) {
        throw new Error(`${file}: devices.${name}.${key} must be a ${type}`);
      }
      override[key] = actual;
    }
    result[name] = override as DeviceOverride;
  }
  return result;
}
