import type { PlatformId } from '../platforms/types';

/** What the device's DHCP client got, as ISC dhclient hands it to its script. */
export type DhcpLease = {
  address: string;
  subnetMask: string;
  routers: string[];
  leaseSeconds: number;
  /** Option 67 (or the BOOTP file field). */
  bootFileName?: string;
  /** Option 66. */
  tftpServerName?: string;
  /** Option 150. */
  tftpServerAddresses: string[];
  /** Option 43, raw bytes. */
  vendorEncapsulated?: Buffer;
};

/** The file a platform's agent fetches, or why it gives up on this lease. */
export type BootDecision = { url: string } | { refused: string };

/** What each agent lists in its parameter request (option 55). */
export const REQUESTED_OPTIONS: Record<PlatformId, string[]> = {
  'cisco-iosxe': ['bootfile-name', 'tftp-server-name', 'tftp-server-address'],
  'cisco-nxos': ['bootfile-name', 'tftp-server-name', 'tftp-server-address'],
  'arista-eos': ['bootfile-name'],
  'juniper-junos': [
    'vendor-encapsulated-options',
    'tftp-server-name',
    'tftp-server-address',
  ],
};

const isHttpUrl = (value?: string) => !!value && /^https?:\/\//i.test(value);

/**
 * Option 43 read as Junos reads it: code, length, value. Code 0 is a
 * sub-option like the others (00, the image file name), not padding.
 */
export function readSubOptions(bytes: Buffer): Map<number, string> {
  const out = new Map<number, string>();
  let i = 0;
  while (i + 2 <= bytes.length) {
    const code = bytes[i];
    const length = bytes[i + 1];
    if (code === 255 || i + 2 + length > bytes.length) break;
    out.set(code, bytes.subarray(i + 2, i + 2 + length).toString('latin1'));
    i += 2 + length;
  }
  return out;
}

/**
 * How each platform's ZTP agent turns its lease into the file it fetches,
 * as hard to please as the real one: no HTTP file, no boot.
 */
export function bootFileFromLease(
  platform: PlatformId,
  lease: DhcpLease,
): BootDecision {
  switch (platform) {
    case 'cisco-iosxe':
      // ZTP runs the script named by a URL in 67; a bare file name would
      // mean AutoInstall over TFTP, which this simulator does not do.
      return isHttpUrl(lease.bootFileName)
        ? { url: lease.bootFileName! }
        : {
            refused: `option 67 is ${
              lease.bootFileName ? `"${lease.bootFileName}"` : 'missing'
            }, not an http URL: ZTP has no script to fetch`,
          };
    case 'cisco-nxos': {
      if (lease.leaseSeconds < 3600) {
        return {
          refused: `POAP needs a lease of at least 3600 s, the server offered ${lease.leaseSeconds} s`,
        };
      }
      if (!lease.bootFileName) {
        return { refused: 'option 67 (the POAP script) is missing' };
      }
      if (isHttpUrl(lease.bootFileName)) return { url: lease.bootFileName };
      const server = lease.tftpServerAddresses[0] ?? lease.tftpServerName;
      return {
        refused: `POAP would fetch "${lease.bootFileName}" over TFTP from ${
          server ?? 'no server (66/150 missing)'
        }; only HTTP is simulated`,
      };
    }
    case 'arista-eos':
      return isHttpUrl(lease.bootFileName)
        ? { url: lease.bootFileName! }
        : { refused: 'option 67 is not an http URL: EOS ZTP keeps asking' };
    case 'juniper-junos': {
      if (!lease.vendorEncapsulated?.length) {
        return { refused: 'no option 43: Junos ZTP has no file to fetch' };
      }
      const sub = readSubOptions(lease.vendorEncapsulated);
      const file = sub.get(1);
      const mode = sub.get(3) ?? 'tftp';
      const server = lease.tftpServerAddresses[0] ?? lease.tftpServerName;
      if (!file) return { refused: 'option 43 has no sub-option 01 (file)' };
      // A real box would install that image first; this one cannot, and
      // says so rather than boot as if it had not been asked.
      if (sub.has(0)) {
        return {
          refused: `option 43.00 names an image for ZTP to install ("${sub.get(
            0,
          )}"), which the simulated Junos ZTP does not do: let the ZTP script (43.01) take the image`,
        };
      }
      if (!server) {
        return { refused: 'no server address in option 150 or 66' };
      }
      if (mode !== 'http') {
        return {
          refused: `option 43.03 asks for ${mode}; only http is simulated`,
        };
      }
      const port = sub.get(5) ?? '80';
      if (!/^\d{1,5}$/.test(port)) {
        return { refused: `option 43.05 "${port}" is not a port` };
      }
      return {
        url: `http://${server}:${port}/${file.replace(/^\/+/, '')}`,
      };
    }
    default:
      return { refused: `no DHCP agent for ${platform}` };
  }
}
