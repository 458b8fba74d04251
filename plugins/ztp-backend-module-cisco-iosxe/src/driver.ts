import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  hashPasswordWithScheme,
  runAndParse,
  readConfigText,
  SerialParseError,
  type ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { IOSXE_MINIMAL_CONFIG_TEMPLATE } from './minimalConfigTemplate';
import {
  iosXeInventoryHidesActiveMember,
  iosXeSerialFromInventory,
  iosXeSerialFromVersion,
} from './parseSerial';
import { iosXeBootstrap } from './bootstrap';
import { iosXeReadVersion } from './version';
import { ciscoIosXePush } from './push';
import { iosXeUpgrade } from './upgrade';

const ERROR_PATTERN =
  /^\s*% ?(?:Invalid input|Incomplete command|Ambiguous command|Unknown command|Invalid command|Bad|Error)/i;

/** Cisco IOS XE: Catalyst 9000/3650/3850, ISR 1000/4000, ASR 1000, Catalyst 8000. */
export const ciscoIosXeDriver: ZtpPlatformDriver = {
  id: 'cisco-iosxe',
  displayName: 'Cisco IOS XE',
  // 16.x releases still offer only SHA-1 key exchange and CBC ciphers by default.
  sshAlgorithms: {
    kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1'],
    cipher: ['aes128-cbc', 'aes256-cbc'],
  },
  cli: {
    promptPattern: /^[\w.:/-]+(?:\([\w.:/-]+\))?[#>]\s*$/,
    pagerPattern: /--More--/,
    setupCommands: ['terminal length 0'],
    errorPattern: ERROR_PATTERN,
  },
  bootstrap: iosXeBootstrap,
  minimalConfigTemplate: IOSXE_MINIMAL_CONFIG_TEMPLATE,

  push: ciscoIosXePush,
  finalConfig: {
    templateDirectory: resolvePackagePath(
      '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-iosxe',
      'templates',
    ),
    commentPrefix: '!',
    sviName: vlanId => `Vlan${vlanId}`,
  },

  readVersion: iosXeReadVersion,

  passwordHashScheme: 'cisco-type9',
  upgrade: iosXeUpgrade,

  hashPassword(password: string) {
    return hashPasswordWithScheme('cisco-type9', password);
  },

  async readSerial(cli) {
    const inventory = await runAndParse(
      cli,
      'show inventory',
      ERROR_PATTERN,
      iosXeSerialFromInventory,
    );
    // Members listed without a whole-system entry (StackWise Virtual,
    // classic stacks): only show version names the active one.
    if (inventory.value && !iosXeInventoryHidesActiveMember(inventory.output)) {
      return inventory.value;
    }

    const version = await runAndParse(
      cli,
      'show version',
      ERROR_PATTERN,
      iosXeSerialFromVersion,
    );
    if (version.value) return version.value;
    if (inventory.value) return inventory.value;

    throw new SerialParseError(
      'neither "show inventory" (no chassis entry) nor "show version" (no "Processor board ID") names the chassis serial',
      `${inventory.output}\n${version.output}`,
    );
  },

  readRunningConfig(cli) {
    return readConfigText(cli, 'show running-config', {
      errorPattern: ERROR_PATTERN,
      volatileLines:
        /^(?:Building configuration\.\.\.|Current configuration\s*:.*|! Last configuration change at .*|! NVRAM config last updated at .*)$/,
    });
  },
};
