import { ipInSubnet } from '@ztp-portal/backstage-plugin-ztp-common';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import type { CredentialVault } from '../../credentials/CredentialVault';
import type { DeviceRecord } from '../../database/types';
import type { DeviceCliSession, OpenDeviceCliOptions } from '../../ssh';

/**
 * An SSH session for an upgrade, with the device's account, pinned host key
 * and the platform's prompts (and the procedure's questions). Its deadline
 * is long: the whole stage (a large image's download) runs in it.
 */
export function openUpgradeSession(
  deps: {
    vault: Pick<CredentialVault, 'decrypt'>;
    openCli: (options: OpenDeviceCliOptions) => Promise<DeviceCliSession>;
    ssh: { managementNetworks: string[]; connectTimeoutMs: number };
    settings: { commandTimeoutMs: number };
  },
  device: DeviceRecord,
  driver: Pick<ZtpPlatformDriver, 'cli' | 'sshAlgorithms'>,
  interactivePrompts?: RegExp,
): Promise<DeviceCliSession> {
  const { ssh, vault, settings, openCli } = deps;
  if (!ssh.managementNetworks.some(n => ipInSubnet(device.managementIp, n))) {
    return Promise.reject(
      new Error(
        `refused to connect: ${device.managementIp} is outside the management networks in ztp.serialCheck.managementNetworks`,
      ),
    );
  }
  const cli = driver.cli;
  const promptPattern = interactivePrompts
    ? new RegExp(
        `(?:${cli.promptPattern.source})|(?:${interactivePrompts.source})`,
        cli.promptPattern.flags.replace(/[gy]/g, ''),
      )
    : cli.promptPattern;
  return openCli({
    host: device.managementIp,
    port: device.sshPort,
    username: device.localUsername,
    password: vault.decrypt(device.localPasswordEnc, device.entityRef),
    algorithms: driver.sshAlgorithms,
    connectTimeoutMs: ssh.connectTimeoutMs,
    deadlineMs: settings.commandTimeoutMs * 3,
    knownHostKey: device.hostKeyFingerprint,
    cli: { ...cli, promptPattern },
  });
}
