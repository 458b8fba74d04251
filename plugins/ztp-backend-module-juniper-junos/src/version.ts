import type {
  DeviceCli,
  PlatformSoftwareVersion,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { readSoftwareVersion } from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The release and model in Junos's "show version": "Junos: 22.4R3.25" (up
 * to 15.1: "JUNOS Base OS boot [15.1R7.9]" or "JUNOS Software Release
 * [12.3R12.4]") and "Model: ex4300-48t". A Virtual Chassis prints a group
 * per member; the first is the one the session is on.
 */
export function junosVersionFromShowVersion(
  output: string,
): PlatformSoftwareVersion | undefined {
  const version =
    /^Junos:\s*(\S+)/im.exec(output)?.[1] ??
    /^JUNOS (?:Software Release|Base OS boot) \[([^\]]+)\]/im.exec(output)?.[1];
  if (!version) return undefined;
  const model = /^Model:\s*(\S+)/im.exec(output)?.[1];
  return { version, ...(model && { model }) };
}

export function junosReadVersion(cli: DeviceCli) {
  return readSoftwareVersion(cli, 'show version', junosVersionFromShowVersion);
}
