/**
 * An interactive CLI session on a device, opened by the ZTP backend over SSH
 * with the device's local account. Drivers speak to devices only through it.
 * @public
 */
export interface DeviceCli {
  /**
   * Runs one command and resolves with its output: without the echoed
   * command, the trailing prompt, pager prompts or login banner.
   */
  run(command: string, options?: { timeoutMs?: number }): Promise<string>;
  /**
   * Sends raw text (for example a configuration body followed by Ctrl-D for
   * Junos "load ... terminal") and resolves with the output up to the next
   * prompt.
   */
  send(text: string, options?: { timeoutMs?: number }): Promise<string>;
}

/** SSH algorithm lists a platform needs, in ssh2's terms. @public */
export type SshAlgorithmPreferences = {
  kex?: string[];
  serverHostKey?: string[];
  cipher?: string[];
  hmac?: string[];
};

/** How the backend drives a platform's CLI over SSH. @public */
export type PlatformCliOptions = {
  /** Matches the prompt at the end of output, e.g. /[\w.-]+(\(config[^)]*\))?[#>]\s*$/. */
  promptPattern: RegExp;
  /** Matches a pager prompt that must be answered with a space. */
  pagerPattern?: RegExp;
  /** Commands run once after login, such as "terminal length 0". */
  setupCommands?: string[];
  /** Matches output lines that mean the device rejected a command. */
  errorPattern?: RegExp;
  /**
   * Where a login may land unprivileged (EOS "switch>"): the session sends
   * the command and, if the device asks for a password, the account's.
   */
  enable?: { unprivilegedPrompt: RegExp; command: string };
};

/** The part of a device declaration drivers and templates see. @public */
export type PlatformDevice = {
  entityRef: string;
  name: string;
  hostname: string;
  platform: string;
  managementIp: string;
  prefixLength: number;
  defaultGateway?: string;
  /** Set when the declaration names the management port; the template's default otherwise. */
  managementInterface?: string;
  /** Set when the declaration names the management port's VRF. */
  managementVrf?: string;
  macAddress?: string;
  expectedSerial: string;
};

/** What a device's bootstrap files are rendered from. @public */
export type BootstrapContext = {
  device: PlatformDevice;
  /** The device's rendered minimal configuration, exactly. */
  minimalConfig: string;
  /** The device door as devices reach it, e.g. http://198.18.0.5:7080. */
  doorUrl: string;
  /**
   * Where the device reports its progress on the door: GET
   * `<doorUrl><reportPath>/<started|applied|failed>[/<base64url detail>]`.
   */
  reportPath: string;
};

/** One file the device door serves to booting devices. @public */
export type BootstrapFile = {
  /**
   * The name the device asks for, over HTTP under /ztp/boot/ and over TFTP
   * (compared without case).
   */
  name: string;
  contentType: string;
  body: string;
  /** Serving it hands the device its minimal configuration (Conf Min Loaded). */
  deliversConfig: boolean;
  /**
   * A file every device of the platform shares (poap.py: same body for
   * all; network-confg: the devices' lines joined).
   */
  shared?: 'identical' | 'concatenate';
};

/**
 * What a DHCP server's options are rendered from: the device and the door
 * as it reaches it (no configuration needed). @public
 */
export type DhcpBootContext = Pick<BootstrapContext, 'device' | 'doorUrl'>;

/**
 * What the operator's DHCP server hands one booting device so that its
 * agent asks the door for its bootstrap files. The generated Kea
 * configuration and the README's examples both come from it. @public
 */
export type DhcpBootFile = {
  /** Option 67: a URL, or a file name on the server of option 150/66. */
  bootFileName?: string;
  /** Options 150 and 66: the door's IPv4 address (file server, AutoInstall, Junos). */
  tftpServer?: string;
  /**
   * Option 43 vendor-specific sub-options by two-digit decimal code, sent
   * in key order (Junos: 01 file, 03 transfer mode, 05 HTTP port).
   */
  vendorOptions?: Record<string, string>;
  /** The agent refuses a shorter lease (POAP: 3600 s). */
  minLeaseSeconds?: number;
  /** What the device downloads, in the operator's words. */
  downloads: string[];
};

/**
 * How a platform's own ZTP agent is bootstrapped: the files the door serves
 * it, and what a DHCP server must say to make the device ask for them.
 * @public
 */
export interface PlatformBootstrap {
  /** The files one device may ask for, rendered for it. */
  files(ctx: BootstrapContext): BootstrapFile[];
  /** DHCP options that point a booting device at its files. */
  dhcpBootFile(ctx: DhcpBootContext): DhcpBootFile;
}

/**
 * The software a device runs, as its platform's own "show version" reports
 * it (read in the serial check's session). @public
 */
export type PlatformSoftwareVersion = {
  /** As the platform writes it, e.g. 17.09.04a, 10.3(4a), 4.31.2F, 22.4R3.25. */
  version: string;
  /** The chassis model, for the approved image of its family (e.g. C9300-48P). */
  model?: string;
};

/** Result of a push, as a driver reports it. @public */
export type PlatformPushResult =
  | { ok: true; output: string }
  | { ok: false; error: string; rolledBack: boolean; output: string };

/**
 * Everything the ZTP backend knows of one platform. The four built-in
 * platforms are drivers like this one; a backend module adds more through
 * {@link ztpPlatformsExtensionPoint}.
 * @public
 */
export interface ZtpPlatformDriver {
  /** The value of the ztp.network/platform annotation, e.g. arista-eos. */
  readonly id: string;
  readonly displayName: string;
  /** Algorithms to offer in addition to ssh2's defaults (older devices). */
  readonly sshAlgorithms?: SshAlgorithmPreferences;
  readonly cli: PlatformCliOptions;
  /**
   * Nunjucks source of the minimal configuration. Variables: device
   * (PlatformDevice), account ({ username, passwordHash }).
   */
  readonly minimalConfigTemplate: string;
  /** Bootstrap files and DHCP options of the platform's ZTP agent. */
  readonly bootstrap?: PlatformBootstrap;
  /** Hashes the local account's password in the platform's native format. */
  hashPassword(password: string): Promise<string>;
  /**
   * Reads the chassis serial number. Throws SerialParseError when the output
   * holds no chassis serial.
   */
  readSerial(cli: DeviceCli): Promise<string>;
  /**
   * Reads the running software version (and model) with the platform's own
   * command. Throws when the output names no version.
   */
  readVersion?(cli: DeviceCli): Promise<PlatformSoftwareVersion>;
  readonly upgrade?: import('./upgrade').PlatformUpgrade;
  /** Reads the running configuration (for previews and verification). */
  readRunningConfig?(cli: DeviceCli): Promise<string>;
  /**
   * Applies a full configuration with the platform's safe method, verifies
   * it, and rolls back on failure.
   */
  pushConfig?(
    cli: DeviceCli,
    config: string,
    options: { label: string },
  ): Promise<PlatformPushResult>;
}

/** Thrown by a driver when device output holds no chassis serial. @public */
export class SerialParseError extends Error {
  readonly output: string;
  constructor(message: string, output: string) {
    super(message);
    this.name = 'SerialParseError';
    this.output = output;
  }
}
