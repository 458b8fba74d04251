import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  hashPasswordWithScheme,
  runAndParse,
  readConfigText,
  SerialParseError,
  type ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { EOS_MINIMAL_CONFIG_TEMPLATE } from './minimalConfigTemplate';
import { eosSerialFromInventory, eosSerialFromVersion } from './parseSerial';
import { eosBootstrap } from './bootstrap';
import { eosReadVersion } from './version';
import { aristaEosPush } from './push';
import { eosUpgrade } from './upgrade';

const ERROR_PATTERN =
  /^\s*% ?(?:Invalid|Incomplete|Ambiguous|Unavailable|Unrecognized|Error|Not supported)/i;

/** Arista EOS: 7000 series fixed and modular switches. */
export const aristaEosDriver: ZtpPlatformDriver = {
  id: 'arista-eos',
  displayName: 'Arista EOS',
  // Releases before 4.20 offer only SHA-1 key exchange.
  sshAlgorithms: {
    kex: ['diffie-hellman-group14-sha1'],
  },
  cli: {
    promptPattern: /^[\w.:/-]+(?:\([\w.:/-]+\))*[#>]\s*$/,
    pagerPattern: /--More--/,
    setupCommands: ['terminal length 0'],
    errorPattern: ERROR_PATTERN,
    // A login lands at ">" unless "aaa authorization exec default local"
    // grants the account's privilege (a configuration the portal did not make).
    enable: { unprivilegedPrompt: />\s*$/, command: 'enable' },
  },
  bootstrap: eosBootstrap,
  minimalConfigTemplate: EOS_MINIMAL_CONFIG_TEMPLATE,

  push: aristaEosPush,
  finalConfig: {
    templateDirectory: resolvePackagePath(
      '@ztp-portal/backstage-plugin-ztp-backend-module-arista-eos',
      'templates',
    ),
    commentPrefix: '!',
    sviName: vlanId => `Vlan${vlanId}`,
  },

  readVersion: eosReadVersion,

  passwordHashScheme: 'sha512-crypt',
  hashPassword(password: string) {
    return hashPasswordWithScheme('sha512-crypt', password);
  },
  upgrade: eosUpgrade,

  async readSerial(cli) {
    const version = await runAndParse(
      cli,
      'show version',
      ERROR_PATTERN,
      eosSerialFromVersion,
    );
    if (version.value) return version.value;

    const inventory = await runAndParse(
      cli,
      'show inventory',
      ERROR_PATTERN,
      eosSerialFromInventory,
    );
    if (inventory.value) return inventory.value;

    throw new SerialParseError(
      'neither "show version" ("Serial number:" is empty) nor the "System information" of "show inventory" names the chassis serial',
      `${version.output}\n${inventory.output}`,
    );
  },

  readRunningConfig(cli) {
    return readConfigText(cli, 'show running-config', {
      errorPattern: ERROR_PATTERN,
      volatileLines: /^! (?:Command:|Startup-config last modified at|Time:)/,
    });
  },
};
