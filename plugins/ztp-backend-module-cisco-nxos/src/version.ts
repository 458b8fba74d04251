import type {
  DeviceCli,
  PlatformSoftwareVersion,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { readSoftwareVersion } from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The release and model in NX-OS's "show version": "NXOS: version
 * 10.3(4a) [Maintenance Release]" (7.x prints "system: version 7.0(3)I7(9)"),
 * and the chassis line "cisco Nexus9000 C93180YC-EX chassis".
 */
export function nxosVersionFromShowVersion(
  output: string,
): PlatformSoftwareVersion | undefined {
  const version = /^\s*(?:NXOS|system):\s+version\s+(\d\S*)/im.exec(
    output,
  )?.[1];
  if (!version) return undefined;
  const model = /^\s*cisco\s+Nexus\s?\S*\s+(\S+)\b.*chassis/im.exec(
    output,
  )?.[1];
  return { version, ...(model && { model }) };
}

export function nxosReadVersion(cli: DeviceCli) {
  return readSoftwareVersion(cli, 'show version', nxosVersionFromShowVersion);
}
