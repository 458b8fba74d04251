import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { ANNOTATION_MANAGEMENT_VRF } from '@ztp-portal/backstage-plugin-ztp-common';
import {
  hashPasswordWithScheme,
  runAndParse,
  readConfigText,
  SerialParseError,
  type ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { NXOS_MINIMAL_CONFIG_TEMPLATE } from './minimalConfigTemplate';
import { nxosSerialFromInventory, nxosSerialFromVersion } from './parseSerial';
import { nxosBootstrap } from './bootstrap';
import { nxosReadVersion } from './version';
import { ciscoNxosPush } from './push';
import { nxosUpgrade } from './upgrade';

const ERROR_PATTERN =
  /^\s*(?:% ?(?:Invalid|Incomplete|Ambiguous|Permission denied|Error)|Syntax error while parsing)/i;

/** Cisco NX-OS: Nexus 3000, 5000, 7000 and 9000. */
export const ciscoNxosDriver: ZtpPlatformDriver = {
  id: 'cisco-nxos',
  displayName: 'Cisco NX-OS',
  // NX-OS 7.x offers SHA-1 key exchange and CBC ciphers only.
  sshAlgorithms: {
    kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1'],
    cipher: ['aes128-cbc', 'aes256-cbc'],
  },
  cli: {
    promptPattern: /^[\w.:/-]+(?:\([\w.:/-]+\))?#\s*$/,
    pagerPattern: /--More--/,
    setupCommands: ['terminal length 0'],
    errorPattern: ERROR_PATTERN,
  },
  bootstrap: nxosBootstrap,
  minimalConfigTemplate: NXOS_MINIMAL_CONFIG_TEMPLATE,

  push: ciscoNxosPush,
  finalConfig: {
    templateDirectory: resolvePackagePath(
      '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-nxos',
      'templates',
    ),
    commentPrefix: '!',
    sviName: vlanId => `Vlan${vlanId}`,
  },

  declarationProblems({ managementInterface, managementVrf }) {
    const mgmt0 = !managementInterface || managementInterface === 'mgmt0';
    return managementVrf && mgmt0 && managementVrf !== 'management'
      ? [
          `${ANNOTATION_MANAGEMENT_VRF}: NX-OS keeps mgmt0 in VRF management, not "${managementVrf}"`,
        ]
      : [];
  },

  readVersion: nxosReadVersion,

  passwordHashScheme: 'sha256-crypt',
  hashPassword(password: string) {
    return hashPasswordWithScheme('sha256-crypt', password);
  },
  upgrade: nxosUpgrade,

  async readSerial(cli) {
    const inventory = await runAndParse(
      cli,
      'show inventory',
      ERROR_PATTERN,
      nxosSerialFromInventory,
    );
    if (inventory.value) return inventory.value;

    const version = await runAndParse(
      cli,
      'show version',
      ERROR_PATTERN,
      nxosSerialFromVersion,
    );
    if (version.value) return version.value;

    throw new SerialParseError(
      'neither "show inventory" (no "Chassis" entry) nor "show version" (no "Processor Board ID") names the chassis serial',
      `${inventory.output}\n${version.output}`,
    );
  },

  readRunningConfig(cli) {
    return readConfigText(cli, 'show running-config', {
      errorPattern: ERROR_PATTERN,
      volatileLines: /^!(?:Command:|Running configuration last done at:|Time:)/,
    });
  },
};
