import type { RsaHostKeySource } from './hostKeys';
import type { PlatformId } from '../platforms/types';

/**
 * off, booting, fetching (the ZTP agent runs), rebooting (into what it
 * fetched: SSH is down), configured, failed (its ZTP script failed: the
 * device waits at its console, as a real one does).
 */
export type DeviceState =
  | 'off'
  | 'booting'
  | 'fetching'
  | 'rebooting'
  | 'configured'
  | 'failed';

/** Ways a device can misbehave, for testing the backend's error handling. */
export type DeviceBehaviours = {
  /** Delays every CLI answer and the SSH handshake by this many ms. */
  slowMs?: number;
  /** Never listens for SSH, even once configured. */
  unreachable?: boolean;
  /** Rejects every login. */
  refusePassword?: boolean;
  /** Rejects exec requests; only an interactive shell works. */
  shellOnly?: boolean;
  /** Offers only diffie-hellman-group14-sha1 and ssh-rsa, like old IOS. */
  legacyAlgorithms?: boolean;
  /** Takes the password through keyboard-interactive only. */
  keyboardInteractive?: boolean;
  /** Closes the connection once this many configuration lines were sent. */
  dropAfterConfigLines?: number;
  /** Free bytes on flash for software images (default 8 GiB). */
  flashFreeBytes?: number;
  /** Changes one byte of every image download in transit (bad checksum). */
  corruptImageDownloads?: boolean;
  /** Image downloads go no faster than this many bytes a second (a slow link). */
  imageDownloadBytesPerSecond?: number;
};

export type SimulatedDeviceOptions = DeviceBehaviours & {
  /** The catalog entity name, used in logs. */
  name: string;
  platform: PlatformId;
  /** Where the device answers SSH once configured (127.x.y.z). */
  managementIp: string;
  /** SSH port; 0 picks a free port (see SimulatedDevice.sshPort). Default 22. */
  sshPort?: number;
  /** The MAC the catalog declares; without it the agent asks by hostname. */
  macAddress?: string;
  /** The hostname the catalog declares; without it the agent asks by MAC. */
  hostname?: string;
  /** The serial the hardware really has (may differ from the catalog). */
  realSerial: string;
  /** Hardware model, e.g. C9300-48P; each platform has a default. */
  model?: string;
  /** The release its show version reports (e.g. 17.06.05); each platform has a default. */
  softwareVersion?: string;
  /** Base URL of the provisioning server, e.g. http://127.0.0.1:7080. */
  provisioningUrl: string;
  /**
   * The file DHCP named (option 67, or Junos' option 43 with 150): the
   * agent fetches exactly this URL instead of its platform's path on
   * provisioningUrl. Such a device lives in a test's network namespace, so
   * its addresses may be in 198.18.0.0/15 as well as loopback.
   */
  bootFileUrl?: string;
  /** Time from power on to the first request. */
  bootDelayMs?: number;
  /** First retry delay of the ZTP agent (doubles up to fetchRetryMaxMs). */
  fetchRetryMs?: number;
  fetchRetryMaxMs?: number;
  /** Multiplies commit-confirm timers; tests make them short. Default 1. */
  timerScale?: number;
  /** How long a reboot takes (EOS after ZTP, POAP). Default 3000. */
  rebootMs?: number;
  /**
   * Where its RSA host key comes from when not its own (a fleet's few,
   * rsaHostKeyPool); a device with legacyAlgorithms, whose only key it is,
   * always has its own.
   */
  sharedRsaHostKeys?: RsaHostKeySource;
};

/** One request the ZTP agent made. */
export type FetchRecord = {
  at: Date;
  url: string;
  method: 'GET';
  headers: Record<string, string>;
  /** HTTP status, or undefined when the request failed. */
  status?: number;
  error?: string;
  bodyBytes?: number;
};

export type LoginRecord = {
  at: Date;
  username: string;
  method: string;
  accepted: boolean;
  remoteAddress: string;
};
