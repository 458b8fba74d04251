import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { isLoopbackIpv4 } from '../device/loopback';
import { normalizeMacAddress } from '../platforms/hardware';
import { PLATFORM_IDS, type PlatformId } from '../platforms/types';

/** A network device as the simulator reads it from a catalog file. */
export type CatalogDevice = {
  /** Entity name (metadata.name). */
  name: string;
  namespace: string;
  platform: PlatformId;
  managementIp: string;
  prefixLength: number;
  macAddress?: string;
  hostname?: string;
  sshPort?: number;
  /** The chassis model the catalog declares (ztp.network/model). */
  model?: string;
  /** The serial the catalog declares. */
  declaredSerial: string;
  file: string;
};

const A = 'ztp.network/';

type RawEntity = {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: {
    name?: unknown;
    namespace?: unknown;
    annotations?: Record<string, unknown>;
  };
  spec?: { type?: unknown; target?: unknown; targets?: unknown };
};

/**
 * Reads the network devices of Backstage catalog files: Resource entities
 * of spec.type network-device and their ztp.network/* annotations. Location
 * entities with relative file targets are followed. Entries the simulator
 * cannot run are reported in `problems` rather than failing the whole fleet.
 */
export async function readCatalogDevices(
  files: string[],
): Promise<{ devices: CatalogDevice[]; problems: string[] }> {
  const devices: CatalogDevice[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();

  const readOne = async (file: string): Promise<void> => {
    const path = resolve(file);
    if (seen.has(path)) return;
    seen.add(path);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      problems.push(`${file}: cannot read (${(error as Error).message})`);
      return;
    }
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length) {
        problems.push(`${file}: invalid YAML (${doc.errors[0].message})`);
        continue;
      }
      const entity = doc.toJS() as RawEntity | null;
      if (!entity || typeof entity !== 'object') continue;
      const kind = String(entity.kind ?? '').toLowerCase();
      if (kind === 'location') {
        const targets = [
          ...(typeof entity.spec?.target === 'string'
            ? [entity.spec.target]
            : []),
          ...(Array.isArray(entity.spec?.targets) ? entity.spec!.targets : []),
        ].filter((t): t is string => typeof t === 'string');
        for (const target of targets) {
          if (/^[a-z]+:\/\//i.test(target)) continue; // only local files
          await readOne(resolve(dirname(path), target));
        }
        continue;
      }
      if (kind !== 'resource' || entity.spec?.type !== 'network-device')
        continue;
      const result = toDevice(entity, path);
      if (typeof result === 'string') problems.push(result);
      else devices.push(result);
    }
  };

  for (const file of files) await readOne(file);
  return { devices, problems };
}

function toDevice(entity: RawEntity, file: string): CatalogDevice | string {
  const name = String(entity.metadata?.name ?? '');
  const where = `${file}: device ${name || '(no name)'}`;
  if (!name) return `${where}: metadata.name is missing`;
  const annotations = entity.metadata?.annotations ?? {};
  const get = (key: string) => {
    const value = annotations[`${A}${key}`];
    return value === undefined || value === null
      ? undefined
      : String(value).trim();
  };

  const serial = get('serial-number');
  if (!serial) return `${where}: ${A}serial-number is missing`;
  const platform = get('platform');
  if (!platform || !PLATFORM_IDS.includes(platform as PlatformId)) {
    return `${where}: ${A}platform "${
      platform ?? ''
    }" is not one the simulator knows (${PLATFORM_IDS.join(', ')})`;
  }
  const address = get('management-address');
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(address ?? '');
  if (!m)
    return `${where}: ${A}management-address "${
      address ?? ''
    }" is not an IPv4 address with a prefix length`;
  if (!isLoopbackIpv4(m[1])) {
    return `${where}: ${A}management-address ${m[1]} is outside 127.0.0.0/8; the simulator only uses loopback addresses`;
  }
  const macText = get('mac-address');
  const mac = macText ? normalizeMacAddress(macText) : undefined;
  if (macText && !mac)
    return `${where}: ${A}mac-address "${macText}" is not a MAC address`;
  const hostname = get('hostname');
  if (!mac && !hostname) {
    return `${where}: needs ${A}mac-address or ${A}hostname to be recognised when it boots`;
  }
  const portText = get('ssh-port');
  let sshPort: number | undefined;
  if (portText !== undefined) {
    sshPort = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || sshPort < 1 || sshPort > 65535) {
      return `${where}: ${A}ssh-port "${portText}" is not a TCP port`;
    }
  }
  return {
    name,
    model: get('model'),
    namespace: String(entity.metadata?.namespace ?? 'default'),
    platform: platform as PlatformId,
    managementIp: m[1],
    prefixLength: Number(m[2]),
    macAddress: mac,
    hostname,
    sshPort,
    declaredSerial: serial,
    file,
  };
}
