import { resolvePackagePath } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_MANAGEMENT_INTERFACE,
  ANNOTATION_MANAGEMENT_VRF,
  ANNOTATION_MODEL,
  isValidModel,
} from '@ztp-portal/backstage-plugin-ztp-common';
import {
  hashPasswordWithScheme,
  runAndParse,
  readConfigText,
  SerialParseError,
  type ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { JUNOS_MINIMAL_CONFIG_TEMPLATE } from './minimalConfigTemplate';
import { junosSerialFromChassisHardware } from './parseSerial';
import { junosBootstrap } from './bootstrap';
import { junosReadVersion } from './version';
import { juniperJunosPush } from './push';
import { junosManagementPort } from './managementPort';
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

  push: juniperJunosPush,
  finalConfig: {
    templateDirectory: resolvePackagePath(
      '@ztp-portal/backstage-plugin-ztp-backend-module-juniper-junos',
      'templates',
    ),
    commentPrefix: '#',
    sviName: vlanId => `irb.${vlanId}`,
  },

  declarationProblems({ managementInterface, managementVrf, model }) {
    const problems: string[] = [];
    // The management port (fxp0, em0, re0:mgmt-0) can only be in mgmt_junos.
    if (managementVrf && managementVrf !== 'mgmt_junos') {
      problems.push(
        `${ANNOTATION_MANAGEMENT_VRF}: Junos puts its management port only in mgmt_junos (system management-instance), not "${managementVrf}"`,
      );
    }
    if (
      model &&
      !managementInterface &&
      isValidModel(model) &&
      !junosManagementPort(model)
    ) {
      problems.push(
        `${ANNOTATION_MODEL}: the management port of a Junos ${model} is not known (fxp0 on MX and SRX, em0 on QFX, me0 on EX); declare it with ${ANNOTATION_MANAGEMENT_INTERFACE}`,
      );
    }
    return problems;
  },
  defaultManagementInterface: junosManagementPort,

  readVersion: junosReadVersion,

  passwordHashScheme: 'sha512-crypt',
  hashPassword(password: string) {
    return hashPasswordWithScheme('sha512-crypt', password);
  },
  upgrade: junosUpgrade,

  async readSerial(cli) {
    const hardware = await runAndParse(
      cli,
      'show chassis hardware',
      ERROR_PATTERN,
      junosSerialFromChassisHardware,
    );
    if (hardware.value) return hardware.value;
    throw new SerialParseError(
      '"show chassis hardware" has no Chassis row with a serial number',
      hardware.output,
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
