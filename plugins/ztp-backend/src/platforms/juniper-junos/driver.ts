import {
  SerialParseError,
  ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { isRejected, readConfigText, shaCrypt } from '../common';
import { JUNOS_MINIMAL_CONFIG_TEMPLATE } from './minimalConfigTemplate';
import { junosSerialFromChassisHardware } from './parseSerial';
import { junosBootstrap } from './bootstrap';
import { junosReadVersion } from './version';
import { junosUpgrade } from './upgrade';

const ERROR_PATTERN = /^\s*(?:error:|syntax error|unknown command)/i;

/** Juniper Junos: EX, QFX, MX, SRX, PTX and ACX. */
export const juniperJunosDriver: ZtpPlatformDriver = {
  id: 'juniper-junos',
  displayName: 'Juniper Junos',
  // Releases before 15.1 offer only SHA-1 key exchange.
  sshAlgorithms: {
    kex: ['diffie-hellman-group14-sha1', 'diffie-hellman-group-exchange-sha1'],
  },
  cli: {
    // user@host> in operational mode, user@host# in configuration mode.
    promptPattern: /^[\w.+-]+@[\w.-]+(?::[\w.-]+)?[>#%]\s*$/,
    pagerPattern: /---\(more(?: \d+%)?\)---/,
    setupCommands: ['set cli screen-length 0'],
    errorPattern: ERROR_PATTERN,
  },
  bootstrap: junosBootstrap,
  minimalConfigTemplate: JUNOS_MINIMAL_CONFIG_TEMPLATE,

  readVersion: junosReadVersion,

  upgrade: junosUpgrade,

  async hashPassword(password: string) {
    return shaCrypt(password, { variant: 'sha512' });
  },

  async readSerial(cli) {
    const output = await cli.run('show chassis hardware');
    const serial = isRejected(output, ERROR_PATTERN)
      ? undefined
      : junosSerialFromChassisHardware(output);
    if (serial) return serial;
    throw new SerialParseError(
      '"show chassis hardware" has no Chassis row with a serial number',
      output,
    );
  },

  readRunningConfig(cli) {
    return readConfigText(cli, 'show configuration', {
      errorPattern: ERROR_PATTERN,
      // Commit stamps and the routing engine role line change on every read.
      volatileLines: /^(?:## Last (?:commit|changed):.*|\{[\w:-]+\})$/,
    });
  },
};
