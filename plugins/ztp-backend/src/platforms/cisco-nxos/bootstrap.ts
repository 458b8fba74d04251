import type {
  BootstrapFile,
  PlatformBootstrap,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { bareMac, doorHost, md5Hex, PYTHON, TEXT } from '../common';
import { nxosPoapScript } from './poapScript';

/** The POAP script every NX-OS device shares. */
export const NXOS_POAP_SCRIPT = 'poap.py';

/**
 * NX-OS POAP: DHCP names the POAP script (option 67) and the TFTP/HTTP
 * server (option 150/66). The script asks for the configuration under the
 * names POAP's modes use, each with an .md5 file beside it: conf.<serial>
 * (serial_number), conf_<MAC>.cfg (mac) and conf_<hostname>.cfg (hostname).
 */
export const nxosBootstrap: PlatformBootstrap = {
  files(ctx): BootstrapFile[] {
    const names = [
      `conf.${ctx.device.expectedSerial}`,
      `conf_${ctx.device.hostname}.cfg`,
    ];
    const mac = bareMac(ctx.device.macAddress);
    if (mac) names.push(`conf_${mac.toUpperCase()}.cfg`);
    const md5 = `${md5Hex(ctx.minimalConfig)}\n`;
    return [
      {
        name: NXOS_POAP_SCRIPT,
        contentType: PYTHON,
        body: nxosPoapScript(ctx),
        deliversConfig: false,
        shared: 'identical',
      },
      ...names.flatMap(name => [
        {
          name,
          contentType: TEXT,
          body: ctx.minimalConfig,
          deliversConfig: true,
        },
        {
          name: `${name}.md5`,
          contentType: TEXT,
          body: md5,
          deliversConfig: false,
        },
      ]),
    ];
  },

  dhcpBootFile(ctx) {
    return {
      bootFileName: NXOS_POAP_SCRIPT,
      tftpServer: doorHost(ctx),
      downloads: [
        'poap.py over TFTP (its #md5sum line checked by POAP)',
        `by the script, over HTTP in the management VRF: conf.${ctx.device.expectedSerial}.md5 and conf.${ctx.device.expectedSerial} (or conf_<MAC>.cfg), staged and applied after a reboot`,
      ],
    };
  },
};
