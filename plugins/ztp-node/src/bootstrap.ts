import type { UpgradeImage } from './upgrade';

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
   * `<doorUrl><reportPath>/<stage>[/<base64url detail>]`, the stage one of
   * started, applied, staged, failed, image (taking the software image:
   * the detail says the step) or image-failed (the image was not taken,
   * the device keeps its old one and goes on with its configuration).
   */
  reportPath: string;
  /**
   * The approved software image the device takes during ZTP itself, where
   * its platform's agent can (the POAP target image, Junos option 43
   * sub-option 00, the IOS XE and EOS scripts): set when
   * ztp.images.autoUpgrade covers the device and the image's file is
   * verified on the door. The artifact installs it only when the running
   * version differs; a failure to take it is reported (stage
   * `image-failed`) and the device keeps its old image. The portal reads
   * the version again at the serial check either way.
   */
  image?: UpgradeImage;
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
   * all; network-confg: the devices' lines joined), or a name every device
   * asks for and each gets its own, recognised by the address it asks from
   * (its declared management address, which DHCP gave it: AutoInstall's
   * router-confg).
   */
  shared?: 'identical' | 'concatenate' | 'by-source-address';
};

/**
 * What a DHCP server's options are rendered from: the device and the door
 * as it reaches it (no configuration needed). @public
 */
export type DhcpBootContext = Pick<
  BootstrapContext,
  'device' | 'doorUrl' | 'image'
>;

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
