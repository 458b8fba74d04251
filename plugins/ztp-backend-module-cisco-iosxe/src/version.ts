import type {
  DeviceCli,
  PlatformSoftwareVersion,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { readSoftwareVersion } from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The release and model in IOS XE's "show version": the release from its
 * first line ("Cisco IOS XE Software, Version 17.09.04a"; 16.x and 3.x
 * print it in the IOS line instead), the model from the switch table's
 * "Model Number" (the active member's) or the "cisco <model> (...)
 * processor" line of routers.
 */
export function iosXeVersionFromShowVersion(
  output: string,
): PlatformSoftwareVersion | undefined {
  const version =
    /^Cisco IOS[ -]XE Software, Version\s+(\S+)/im.exec(output)?.[1] ??
    /^Cisco IOS Software.*?, Version\s+([^\s,]+)/im.exec(output)?.[1];
  if (!version) return undefined;
  const model =
    /^Model Number\s*:\s*(\S+)/im.exec(output)?.[1] ??
    /^cisco\s+(\S+)\s+(?:\([^)]*\)\s+)?processor/im.exec(output)?.[1];
  return { version, ...(model && { model }) };
}

export function iosXeReadVersion(cli: DeviceCli) {
  return readSoftwareVersion(cli, 'show version', iosXeVersionFromShowVersion);
}
