import type {
  BootstrapFile,
  PlatformBootstrap,
} from '@ztp-portal/backstage-plugin-ztp-node';
import {
  bareMac,
  doorHost,
  md5Hex,
  PYTHON,
  TEXT,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { poapImageScriptName, poapTakesImage } from './poapImage';
import { nxosPoapScript } from './poapScript';

/** POAP does not complete DHCP when the lease is shorter than an hour. */
const POAP_MIN_LEASE_SECONDS = 3600;

/**
 * NX-OS POAP: DHCP names the POAP script (option 67) and the TFTP/HTTP
 * server (option 150/66). The script asks for the configuration under the
 * names POAP's modes use, each with an .md5 file beside it: conf.<serial>
 * (serial_number), conf_<MAC>.cfg (mac) and conf_<hostname>.cfg (hostname).
 *
 * A switch that takes an approved image during POAP is pointed at the
 * script of that image (poap_<sha256 prefix>.py, shared by the switches
 * taking it); poap.py is still served to it, unchanged, for a DHCP server
 * that names poap.py (the SSH upgrade after the serial check then takes
 * the image).
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
    const image = poapTakesImage(ctx.image);
    const imageScript: BootstrapFile[] = image
      ? [
          {
            name: poapImageScriptName(image),
            contentType: PYTHON,
            body: nxosPoapScript({ doorUrl: ctx.doorUrl, image }),
            deliversConfig: false,
            shared: 'identical',
          },
        ]
      : [];
    return [
      {
        name: 'poap.py',
        contentType: PYTHON,
        body: nxosPoapScript({ doorUrl: ctx.doorUrl }),
        deliversConfig: false,
        shared: 'identical',
      },
      ...imageScript,
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
    const image = poapTakesImage(ctx.image);
    const script = image ? poapImageScriptName(image) : 'poap.py';
    return {
      // Open NX-OS fetches the script by HTTP when 67 is a URL (no port 69
      // needed); the server in 66/150 is the one it names in its logs.
      bootFileName: `${ctx.doorUrl}/ztp/boot/${script}`,
      tftpServer: doorHost(ctx),
      minLeaseSeconds: POAP_MIN_LEASE_SECONDS,
      downloads: [
        `${script} over HTTP (its #md5sum line checked by POAP; also served over TFTP as ${script})`,
        ...(image
          ? [
              `by the script, unless the switch runs ${image.version} already: ${image.file} (${image.size} bytes) from ${image.url} over HTTP in the management VRF, its SHA-256 checked on the switch, set as the next boot (boot nxos) and saved; the switch boots it when POAP ends and replays its configuration there (a failure is reported and the switch keeps its image)`,
            ]
          : []),
        `by the script, over HTTP in the management VRF: conf.${ctx.device.expectedSerial}.md5 and conf.${ctx.device.expectedSerial} (or conf_<MAC>.cfg), each command tried on the switch (checkpoint, then rollback), then staged and applied after a reboot; a refused command is reported to the door in the switch's own words`,
      ],
    };
  },
};
