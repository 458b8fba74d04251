import type { PlatformBootstrap } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  deviceFileKey,
  deviceFileKeys,
  TEXT,
} from '@ztp-portal/backstage-plugin-ztp-node';

/**
 * EOS ZTP: DHCP option 67 is an HTTP URL. A file that does not start with
 * "#!" becomes the startup-config and the switch reboots into it. The agent
 * sends X-Arista-SystemMAC and X-Arista-Serial, so one URL can serve every
 * switch (/ztp/config); the per-device name works without them.
 */
export const eosBootstrap: PlatformBootstrap = {
  files(ctx) {
    return deviceFileKeys(ctx.device).map(key => ({
      name: `eos-${key}.cfg`,
      contentType: TEXT,
      body: ctx.minimalConfig,
      deliversConfig: true,
    }));
  },

  dhcpBootFile(ctx) {
    return {
      bootFileName: `${ctx.doorUrl}/ztp/boot/eos-${deviceFileKey(
        ctx.device,
      )}.cfg`,
      downloads: [
        'the startup-config over HTTP; the switch reboots into it',
        `or ${ctx.doorUrl}/ztp/config for every switch, recognised by the X-Arista-SystemMAC / X-Arista-Serial headers`,
      ],
    };
  },
};
