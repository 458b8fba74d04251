import type { DeviceFacts } from '../types';

/**
 * Junos's software commands: "show system storage", "file copy http://...
 * /var/tmp/<file>", "file checksum md5|sha-256 /var/tmp/<file>", "file
 * delete /var/tmp/<file>" and
 * "request system software add /var/tmp/<file> [no-copy] [no-validate]
 * reboot", which checks the package and reboots into it.
 */
function tmpName(path: string): string | undefined {
  const m = /^\/var\/tmp\/+([^/]+)$/.exec(path);
  return m ? m[1] : undefined;
}

function human(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)}${
    units[unit]
  }`;
}

export function junosSystemStorage(facts: DeviceFacts): string {
  const total = facts.images.totalBytes();
  const free = facts.images.freeBytes();
  const used = total - free;
  const row = (
    fs: string,
    size: string,
    u: string,
    a: string,
    c: string,
    on: string,
  ) =>
    `${fs.padEnd(24)}${size.padStart(6)}${u.padStart(11)}${a.padStart(
      11,
    )}${c.padStart(10)}  ${on}`;
  return `${[
    row('Filesystem', 'Size', 'Used', 'Avail', 'Capacity', 'Mounted on'),
    row('/dev/gpt/junos', '1.3G', '1.0G', '241M', '81%', '/.mount'),
    row('tmpfs', '1.9G', '48K', '1.9G', '0%', '/.mount/tmp'),
    row(
      '/dev/gpt/var',
      human(total),
      human(used),
      human(free),
      `${Math.round((used / total) * 100)}%`,
      '/.mount/var',
    ),
  ].join('\n')}\n`;
}

export async function junosFileCopy(
  facts: DeviceFacts,
  from: string,
  to: string,
): Promise<string> {
  const name = tmpName(to);
  if (!/^https?:\/\//i.test(from) || name === undefined) {
    return `error: file-fetch failed\nerror: could not fetch ${from} to ${to}\n`;
  }
  const result = await facts.images.download(from, name);
  if (!result.ok) {
    if (result.reason === 'no-space') {
      return `${to}: No space left on device\nerror: file-fetch failed\nerror: could not fetch local copy of file\n`;
    }
    return `fetch: ${from}: ${
      result.status ? `Not Found (HTTP ${result.status})` : result.message
    }\nerror: file-fetch failed\nerror: could not fetch local copy of file\n`;
  }
  return `${to}${' '.repeat(8)}100% of ${human(result.bytes)} ${human(
    result.bytes / result.seconds,
  )}Bps\n`;
}

export function junosFileChecksum(
  facts: DeviceFacts,
  algorithm: string,
  path: string,
): string {
  const name = tmpName(path);
  const file = name !== undefined ? facts.images.get(name) : undefined;
  if (!file) return `error: ${path}: No such file or directory\n`;
  if (algorithm === 'md5') return `MD5 (${path}) = ${file.md5}\n`;
  if (algorithm === 'sha-256') return `SHA256 (${path}) = ${file.sha256}\n`;
  return `error: unknown checksum algorithm ${algorithm}\n`;
}

/** Silent when the file went, as the CLI is; rm's words otherwise. */
export function junosFileDelete(facts: DeviceFacts, path: string): string {
  const name = tmpName(path);
  if (name === undefined || !facts.images.delete(name)) {
    return `rm: ${path}: No such file or directory\n`;
  }
  return '';
}

export function junosSoftwareAdd(facts: DeviceFacts, rest: string): string {
  const words = rest.trim().split(/\s+/);
  const path = words[0] ?? '';
  const options = words.slice(1);
  const known = ['no-copy', 'no-validate', 'reboot'];
  const unknown = options.find(o => !known.includes(o));
  if (unknown) return `syntax error, expecting <command>.\n`;
  const name = tmpName(path);
  if (name === undefined || !facts.images.get(name)) {
    return `error: ${path}: No such file or directory\n`;
  }
  const boot = facts.images.setBoot(name);
  if (!boot.ok) {
    return `Installing package '${path}' ...\nERROR: Package signature validation failed: ${boot.error}\nERROR: Failed to add ${path}\n`;
  }
  const header = `Installing package '${path}' ...\nVerified ${name} signed by PackageProductionECP256_2023\nAdding ${name} ...\nSaving state for rollback ...\n`;
  if (!options.includes('reboot')) {
    return `${header}NOTICE: 'pending' set will be activated at next reboot...\n`;
  }
  facts.reload();
  return `${header}Rebooting ...\nshutdown: [pid 8721]\nShutdown NOW!\n`;
}
