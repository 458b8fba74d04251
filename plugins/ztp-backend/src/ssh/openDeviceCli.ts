import type {
  PlatformCliOptions,
  SshAlgorithmPreferences,
  DeviceCli,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { SshCliSession } from './SshCliSession';

/** How to reach a device and drive its CLI. */
export type OpenDeviceCliOptions = {
  host: string;
  port: number;
  username: string;
  /** Used for password and keyboard-interactive login; never logged or echoed. */
  password: string;
  /** Added on top of ssh2's defaults (for older devices). */
  algorithms?: SshAlgorithmPreferences;
  /** Limit for the TCP connection, and again for the SSH key exchange and login. */
  connectTimeoutMs: number;
  /** Limit for everything, from connecting to the last command's output. */
  deadlineMs: number;
  /**
   * The host key recorded at first contact: an OpenSSH `SHA256:` fingerprint
   * or the base64 key blob. When the device presents another key the login
   * stops before any credential is sent.
   */
  knownHostKey?: string;
  cli: PlatformCliOptions;
  /**
   * Sends a newline when the device has shown no prompt after this much
   * silence (some CLIs wait for a key press). Defaults to 1500 ms.
   */
  promptNudgeMs?: number;
};

/** An open CLI session on a device. */
export type DeviceCliSession = {
  cli: DeviceCli;
  /** The device's host key, as OpenSSH prints it (`SHA256:...`). */
  hostKeyFingerprint: string;
  close(): void;
};

/**
 * Logs in to a device over SSH with a password (or keyboard-interactive),
 * opens an interactive shell, waits for the first prompt and runs the
 * platform's setup commands. Rejects with SshUnreachableError,
 * SshTimeoutError, SshAuthError, HostKeyMismatchError or SshProtocolError.
 */
export async function openDeviceCli(
  options: OpenDeviceCliOptions,
): Promise<DeviceCliSession> {
  const session = new SshCliSession(options);
  try {
    await session.open();
  } catch (error) {
    session.close();
    throw error;
  }
  return {
    cli: session,
    hostKeyFingerprint: session.fingerprint!,
    close: () => session.close(),
  };
}
