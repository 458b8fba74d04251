import { ipInSubnet } from '@ztp-portal/backstage-plugin-ztp-common';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import type { CredentialVault } from '../credentials/CredentialVault';
import type { DeviceRecord } from '../database/types';
import type { DeviceCliSession, OpenDeviceCliOptions } from '../ssh';

/** Opens an SSH CLI session on a device (`openDeviceCli` of ssh/ in production). */
export type OpenDeviceCli = (
  options: OpenDeviceCliOptions,
) => Promise<DeviceCliSession>;

/** The device's address is not one the backend may connect to. */
export class OutsideManagementNetworksError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutsideManagementNetworksError';
  }
}

/**
 * The one management-network guard: why the backend must not connect to
 * `ip`, or undefined when it may (ztp.serialCheck.managementNetworks).
 */
export function managementNetworkRefusal(
  ip: string,
  managementNetworks: readonly string[],
): string | undefined {
  if (managementNetworks.some(n => ipInSubnet(ip, n))) return undefined;
  return `refused to connect: ${ip} is outside the management networks in ztp.serialCheck.managementNetworks (${managementNetworks.join(
    ', ',
  )})`;
}

/**
 * Opens a CLI session on a device of the queue, as its bootstrap account,
 * with its platform's SSH algorithms and CLI dialect and its pinned host
 * key. Every login to a queued device goes through here (serial checks,
 * pushes), so none skips the management-network guard: an address outside
 * it is refused with OutsideManagementNetworksError before connecting.
 */
export async function openQueuedDeviceSession(
  device: DeviceRecord,
  driver: ZtpPlatformDriver,
  deps: {
    openCli: OpenDeviceCli;
    vault: Pick<CredentialVault, 'decrypt'>;
    settings: {
      connectTimeoutMs: number;
      deadlineMs: number;
      managementNetworks: readonly string[];
    };
  },
  options: {
    /** Prompts of an interactive step that count as a prompt too. */
    extraPrompts?: RegExp;
  } = {},
): Promise<DeviceCliSession> {
  const { openCli, vault, settings } = deps;
  const refusal = managementNetworkRefusal(
    device.managementIp,
    settings.managementNetworks,
  );
  if (refusal) throw new OutsideManagementNetworksError(refusal);
  const promptPattern = options.extraPrompts
    ? new RegExp(
        `(?:${driver.cli.promptPattern.source})|(?:${options.extraPrompts.source})`,
        driver.cli.promptPattern.flags.replace(/[gy]/g, ''),
      )
    : driver.cli.promptPattern;
  return openCli({
    host: device.managementIp,
    port: device.sshPort,
    username: device.localUsername,
    password: vault.decrypt(device.localPasswordEnc, device.entityRef),
    algorithms: driver.sshAlgorithms,
    connectTimeoutMs: settings.connectTimeoutMs,
    deadlineMs: settings.deadlineMs,
    knownHostKey: device.hostKeyFingerprint,
    cli: { ...driver.cli, promptPattern },
  });
}
