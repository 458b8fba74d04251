import type {
  DeviceCli,
  PlatformSoftwareVersion,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { readSoftwareVersion } from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * The release and model in EOS's "show version": "Software image version:
 * 4.31.2F" (with "-<build>" on engineering images, dropped) and the model on
 * the first line ("Arista DCS-7050TX-64-R"; vEOS: "Arista vEOS").
 */
export function eosVersionFromShowVersion(
  output: string,
): PlatformSoftwareVersion | undefined {
  const version = /^Software image version:\s*([^\s-]+)/im.exec(output)?.[1];
  if (!version) return undefined;
  const model = /^Arista\s+(\S+)/im.exec(output)?.[1];
  return { version, ...(model && { model }) };
}

export function eosReadVersion(cli: DeviceCli) {
  return readSoftwareVersion(cli, 'show version', eosVersionFromShowVersion);
}
