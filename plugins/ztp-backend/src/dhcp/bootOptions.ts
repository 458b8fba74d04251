import type { DhcpBootFile } from '@ztp-portal/backstage-plugin-ztp-node';
import ipaddr from 'ipaddr.js';
import type { KeaOptionData } from './keaTypes';

/** Option 150 is Cisco's, not one Kea knows: defined once for every subnet. */
export const TFTP_SERVER_ADDRESS_DEF = {
  name: 'tftp-server-address',
  code: 150,
  type: 'ipv4-address',
  array: true,
  space: 'dhcp4',
};

// Kea reads option data as comma-separated values: a comma in a URL is data.
const csvValue = (value: string) => value.replace(/,/g, '\\,');

/** Option 43 sub-options in the order the platform gives them. */
function subOptions(boot: DhcpBootFile): { code: number; value: string }[] {
  return Object.entries(boot.vendorOptions ?? {}).map(([code, value]) => ({
    code: /^\d{1,3}$/.test(code) ? Number(code) : NaN,
    value,
  }));
}

/** Option 43: each sub-option as code, length and value bytes, in hex. */
function vendorEncapsulated(subs: { code: number; value: string }[]): string {
  return Buffer.concat(
    subs.map(({ code, value }) => {
      const bytes = Buffer.from(value, 'utf8');
      return Buffer.concat([Buffer.from([code, bytes.length]), bytes]);
    }),
  )
    .toString('hex')
    .toUpperCase();
}

/** Why a platform's boot options cannot go into Kea, if they cannot. */
export function bootOptionProblem(boot: DhcpBootFile): string | undefined {
  for (const s of subOptions(boot)) {
    if (!Number.isInteger(s.code) || s.code > 254) {
      return `option 43 sub-option code ${s.code} is not 0-254`;
    }
    if (Buffer.byteLength(s.value, 'utf8') > 255) {
      return `option 43 sub-option ${s.code} is longer than 255 bytes`;
    }
  }
  if (boot.bootFileName && Buffer.byteLength(boot.bootFileName) > 255) {
    return `the boot file name (option 67) is longer than 255 bytes: ${boot.bootFileName}`;
  }
  if (boot.tftpServer && !ipaddr.IPv4.isValidFourPartDecimal(boot.tftpServer)) {
    return `option 150 names "${boot.tftpServer}", not an IPv4 address`;
  }
  return undefined;
}

/** A platform's boot options as Kea option data. */
export function bootOptionData(boot: DhcpBootFile): KeaOptionData[] {
  const data: KeaOptionData[] = [];
  // Sent whether or not the device lists them in its request: agents
  // differ in what they ask for, and each of these is what it boots from.
  if (boot.bootFileName) {
    data.push({
      name: 'boot-file-name',
      data: csvValue(boot.bootFileName),
      'always-send': true,
    });
  }
  if (boot.tftpServer) {
    // 66 for agents that read the standard option, 150 for Cisco's.
    data.push({
      name: 'tftp-server-name',
      data: csvValue(boot.tftpServer),
      'always-send': true,
    });
    data.push({
      name: TFTP_SERVER_ADDRESS_DEF.name,
      data: boot.tftpServer,
      'always-send': true,
    });
  }
  const subs = subOptions(boot);
  if (subs.length) {
    data.push({
      code: 43,
      'csv-format': false,
      data: vendorEncapsulated(subs),
      'always-send': true,
    });
  }
  return data;
}
