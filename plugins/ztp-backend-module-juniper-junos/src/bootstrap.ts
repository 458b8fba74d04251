import type { PlatformBootstrap } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  deviceFileKey,
  deviceFileKeys,
  doorHost,
  doorPort,
  TEXT,
} from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * Junos ZTP: option 43 sub-option 01 names the configuration file, 03 the
 * transfer mode and 05 the HTTP port; the server is option 150 (or 66).
 * The file is committed as is (curly-brace text), and Junos refuses a
 * commit without root authentication.
 */
export const junosBootstrap: PlatformBootstrap = {
  files(ctx) {
    return deviceFileKeys(ctx.device).map(key => ({
      name: `junos-${key}.conf`,
      contentType: TEXT,
      body: ctx.minimalConfig,
      deliversConfig: true,
    }));
  },

  dhcpBootFile(ctx) {
    const file = `ztp/boot/junos-${deviceFileKey(ctx.device)}.conf`;
    return {
      tftpServer: doorHost(ctx),
      vendorOptions: { '01': file, '03': 'http', '05': doorPort(ctx) },
      downloads: [
        `${file} over HTTP from the option 150 server, committed as the configuration`,
      ],
    };
  },
};
