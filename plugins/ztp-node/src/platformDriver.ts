import type { PlatformBootstrap } from './bootstrap';
import type {
  DeviceCli,
  PlatformCliOptions,
  SshAlgorithmPreferences,
} from './cli';
import type { PlatformFinalConfig } from './finalConfig';
import type { PlatformPushProcedure } from './push';

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

/**
 * A standard password hash a driver's hashPassword computes. Declaring it
 * lets the backend compute it on its worker threads (a driver object cannot
 * be sent to a thread); without it, hashPassword runs on the main thread.
 * @public
 */
export type PasswordHashScheme =
  | 'sha256-crypt'
  | 'sha512-crypt'
  | 'cisco-type9';

/** A device declaration as a platform's own rules see it. @public */
export type PlatformDeclaration = {
  managementInterface?: string;
  managementVrf?: string;
  /** The ztp.network/model annotation (e.g. EX4300-48T), when declared. */
  model?: string;
};

/**
 * Everything the ZTP backend knows of one platform. Each platform is a
 * backend module that adds one of these through
 * {@link ztpPlatformsExtensionPoint}; the backend itself names none.
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
   * Nunjucks source of the minimal configuration, rendered with
   * renderMinimalConfig. Variables: device (PlatformDevice and its
   * netmask), account ({ username, passwordHash }).
   */
  readonly minimalConfigTemplate: string;
  /** Bootstrap files and DHCP options of the platform's ZTP agent. */
  readonly bootstrap?: PlatformBootstrap;
  /** The scheme hashPassword computes, when it is a standard one. */
  readonly passwordHashScheme?: PasswordHashScheme;
  /** Hashes the local account's password in the platform's native format. */
  hashPassword(password: string): Promise<string>;
  /**
   * What is wrong with a declaration on this platform (a management VRF it
   * cannot have...), one message per problem; checked with the catalog's
   * other rules.
   */
  declarationProblems?(declaration: PlatformDeclaration): string[];
  /**
   * The management port of a chassis model (Junos: fxp0, em0 or me0 by
   * family), used when the declaration names no port.
   */
  defaultManagementInterface?(model: string): string | undefined;
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
  /** Conf Final's safe push; without it the platform is never pushed. */
  readonly push?: PlatformPushProcedure;
  /** Conf Final's templates and dialect; without them nothing is rendered. */
  readonly finalConfig?: PlatformFinalConfig;
}
