import type { PlatformBootstrap } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  deviceFileKey,
  deviceFileKeys,
  doorHost,
  doorPort,
  PYTHON,
  TEXT,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { junosZtpScript } from './ztpScript';

/**
 * Junos ZTP: option 43 sub-option 01 names the file, 03 the transfer mode
 * and 05 the HTTP port; the server is option 150 (or 66). A file that
 * starts with "#!" runs as a script, any other is committed as the
 * configuration. DHCP names the script (junos-<key>.py), which commits the
 * configuration with the Junos CLI and reports the box's own error to the
 * door; the plain configuration (junos-<key>.conf) stays for operators who
 * prefer it, though a commit Junos refuses then shows on its console only.
 */
export const junosBootstrap: PlatformBootstrap = {
  files(ctx) {
    const script = junosZtpScript(ctx);
    return deviceFileKeys(ctx.device).flatMap(key => [
      {
        name: `junos-${key}.py`,
        contentType: PYTHON,
        body: script,
        deliversConfig: true,
      },
      {
        name: `junos-${key}.conf`,
        contentType: TEXT,
        body: ctx.minimalConfig,
        deliversConfig: true,
      },
    ]);
  },

  dhcpBootFile(ctx) {
    const key = deviceFileKey(ctx.device);
    const file = `ztp/boot/junos-${key}.py`;
    return {
      tftpServer: doorHost(ctx),
      vendorOptions: { '01': file, '03': 'http', '05': doorPort(ctx) },
      downloads: [
        `${file} over HTTP from the option 150 server, run by ZTP (a file starting with "#!"): it commits the minimal configuration with the Junos CLI (configure private, load override, commit and-quit) and reports to the door ("script started", "configuration applied", or "failed: <the load or commit error, in Junos's words>"); no reboot`,
        ...(ctx.image
          ? [
              `before the configuration, that script takes the approved image when the box runs another release than ${ctx.image.version}: ${ctx.image.file} from the door's /ztp/images/ (checked with "show system storage", fetched with "file copy" to /var/tmp, its SHA-256 checked with "file checksum sha-256", installed with "request system software add ... no-copy no-validate reboot"); ZTP runs the script again on the new release; a refusal is reported (image-failed, in Junos's words) and the configuration follows on the old release. Option 43.00 is left out on purpose: Junos ZTP restarts on any image failure and would never apply the configuration`,
            ]
          : []),
        `or the configuration itself (01 = ztp/boot/junos-${key}.conf), committed as is; a commit Junos refuses then shows only on its console, and ZTP asks again`,
      ],
    };
  },
};
