import type { StoredSecret } from '../crypto/verifyPasswordHash';
import type { PagerStyle, ShellIO } from '../terminal/types';

export type PlatformId =
  | 'cisco-iosxe'
  | 'cisco-nxos'
  | 'arista-eos'
  | 'juniper-junos';

export const PLATFORM_IDS: readonly PlatformId[] = [
  'cisco-iosxe',
  'cisco-nxos',
  'arista-eos',
  'juniper-junos',
];

/** A local account as the running configuration defines it. */
export type LocalAccount = { username: string; secret: StoredSecret };

/** What the hardware is, and the clock; the platform OS reads these. */
export interface DeviceFacts {
  readonly model: string;
  /** The release show version reports, when not the platform's default. */
  readonly softwareVersion?: string;
  /** The chassis serial burnt into the hardware. */
  realSerial(): string;
  /** The base MAC address, aa:bb:cc:dd:ee:ff. */
  baseMac(): string;
  bootedAt(): Date;
  /** Multiplies commit-confirm timers (tests use small values). */
  readonly timerScale: number;
  /** Reports something a test may want to wait for. */
  notify(event: PlatformEvent): void;
  /**
   * An HTTP GET from the device's management address ("copy http://..."),
   * resolving with the status and body; rejects when nothing answers.
   */
  httpGet(url: string): Promise<{ status: number; body: string }>;
  /** The software images on its flash, and the one the next boot runs. */
  readonly images: DeviceImages;
  /**
   * Reloads the device (install, "reload now"): SSH goes down, the staged
   * image boots, SSH comes back. Starts after the current command's output.
   */
  reload(): void;
}

/** An image file on a device's flash, with its checksums as computed on it. */
export type StoredImage = {
  name: string;
  size: number;
  sha256: string;
  md5: string;
  sha512: string;
};

export type ImageDownload =
  /** body: the bytes of a small file that is not an image (a script, a configuration). */
  | { ok: true; bytes: number; seconds: number; body?: Buffer }
  | {
      ok: false;
      reason: 'no-space' | 'http' | 'unreachable';
      status?: number;
      message: string;
    };

/** A device's software images (see device/ImageFlash). */
export interface DeviceImages {
  freeBytes(): number;
  totalBytes(): number;
  list(): StoredImage[];
  get(name: string): StoredImage | undefined;
  delete(name: string): boolean;
  /** A real transfer from the device's management address. */
  download(url: string, name: string): Promise<ImageDownload>;
  /** Checks the image (platform, integrity) and makes it the next boot. */
  setBoot(
    name: string,
  ): { ok: true; version: string } | { ok: false; error: string };
  bootImage(): string | undefined;
}

export type PlatformEvent =
  | { type: 'config-committed'; by: string }
  | { type: 'config-rolled-back'; reason: string }
  | { type: 'config-rejected'; errors: string[] };

export type LoadResult = { ok: true } | { ok: false; errors: string[] };

/** One logged-in CLI session. */
export type SessionInfo = {
  username: string;
  remoteAddress: string;
  /** Opened at privilege 15 by the device itself (EOS's FastCli -p 15). */
  privileged?: boolean;
  /**
   * Reads a file of the box's own file system, as `load override <file>`
   * does; a session without it (SSH) finds no such file.
   */
  readFile?: (path: string) => Promise<string | undefined>;
};

/** The CLI of one session. */
export interface PlatformShell {
  /** Text shown after login, before the first prompt. */
  motd(): string;
  prompt(): string;
  /** Runs one line; "exit" ends the session. */
  execute(line: string, io: ShellIO): Promise<'continue' | 'exit'>;
  /** The session ended: uncommitted private work is discarded. */
  close(): void;
}

/** The network OS of one device: its configuration, accounts and CLI. */
export interface PlatformSystem {
  /**
   * Applies the configuration fetched by ZTP as the device's first
   * configuration. Rejected (nothing changes) when it does not parse.
   */
  loadBootConfig(text: string): LoadResult;
  /** Back to factory defaults (no configuration). */
  eraseConfig(): void;
  /**
   * A power cycle: the saved configuration becomes the running one again
   * (unsaved changes are lost on the IOS-like platforms).
   */
  reload(): void;
  hasConfig(): boolean;
  hostname(): string;
  accounts(): LocalAccount[];
  /** The running configuration as the platform shows it. */
  runningConfigText(): string;
  /** The SSH pre-authentication banner. */
  loginBanner(): string;
  openShell(session: SessionInfo): PlatformShell;
  /** Stops timers (commit confirmed) when the device powers off. */
  dispose(): void;
  /** False while SSH serves nothing (IOS XE without an RSA key). */
  sshServiceUp?(): boolean;
  /**
   * Whether the configuration puts an address on a port this box has
   * (Junos: an address on em0 of an EX, whose port is me0, answers
   * nothing). Platforms without it: any configured address answers.
   */
  addressReachable?(ip: string): boolean;
}

/** What a ZTP agent knows about itself when it asks for its configuration. */
export type ZtpIdentity = {
  /** The MAC the catalog declares, if any (decides by-mac requests). */
  declaredMac?: string;
  /** The hostname the catalog declares, if any. */
  declaredHostname?: string;
  baseMac: string;
  serial: string;
  model: string;
};

export type ZtpRequest = { path: string; headers: Record<string, string> };

/**
 * What the platform's ZTP agent does with the file DHCP pointed it at:
 * - config: applies it as its configuration (Junos commits it; EOS makes
 *   it the startup-config and reboots into it, `rebootsInto`),
 * - guestshell: runs it as a Python script in Guest Shell (IOS XE),
 * - poap: checks its #md5sum line, runs it with NX-OS's cli module, and
 *   reboots when it ends well (the scheduled configuration is replayed),
 * - zerotouch: EOS runs a file that starts with "#!" as a script (with
 *   FastCli on its PATH) and reboots when it exits 0; any other file is the
 *   startup-config, as with config.
 */
export type ZtpAgentKind = 'config' | 'guestshell' | 'poap' | 'zerotouch';

export interface PlatformDefinition {
  readonly id: PlatformId;
  readonly displayName: string;
  readonly defaultModel: string;
  readonly models: readonly string[];
  readonly pager: PagerStyle;
  /** Line ending of exec-channel output. */
  readonly execNewline: string;
  /** The request the platform's ZTP agent makes for its boot file. */
  ztpRequest(identity: ZtpIdentity): ZtpRequest;
  readonly ztpAgent: ZtpAgentKind;
  /** The agent reboots into what it fetched (EOS, POAP). */
  readonly rebootsAfterZtp: boolean;
  /** Output lines of its CLI that mean a command was refused. */
  readonly cliErrorPattern: RegExp;
  createSystem(facts: DeviceFacts): PlatformSystem;
}
