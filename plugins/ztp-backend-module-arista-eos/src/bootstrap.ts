import type { PlatformBootstrap } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  deviceFileKey,
  deviceFileKeys,
  PYTHON,
  TEXT,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { eosZeroTouchScript } from './zeroTouchScript';

/**
 * EOS ZeroTouch: DHCP option 67 is an HTTP URL. A file that starts with
 * "#!" runs as a script and the switch reboots when it exits 0; any other
 * file becomes the startup-config and the switch reboots into it. DHCP
 * points at the script (eos-<key>.py), which reports to the door what the
 * switch refused; the startup-config (eos-<key>.cfg, and /ztp/config, which
 * recognises the switch by its X-Arista-SystemMAC / X-Arista-Serial
 * headers) stays for operators who prefer it.
 */
export const eosBootstrap: PlatformBootstrap = {
  files(ctx) {
    const script = eosZeroTouchScript(ctx);
    return deviceFileKeys(ctx.device).flatMap(key => [
      {
        name: `eos-${key}.py`,
        contentType: PYTHON,
        body: script,
        deliversConfig: true,
      },
      {
        name: `eos-${key}.cfg`,
        contentType: TEXT,
        body: ctx.minimalConfig,
        deliversConfig: true,
      },
    ]);
  },

  dhcpBootFile(ctx) {
    const key = deviceFileKey(ctx.device);
    return {
      bootFileName: `${ctx.doorUrl}/ztp/boot/eos-${key}.py`,
      downloads: [
        `eos-${key}.py over HTTP, run by ZeroTouch: it applies the minimal configuration with FastCli, saves it, reports to the door (what the switch refused, in its own words), and the switch reboots`,
        ...(ctx.image
          ? [
              `first, unless it already runs ${ctx.image.version}, the approved image ${ctx.image.url} (${ctx.image.size} bytes) to flash:, its SHA-256 checked on the switch, and "boot system flash:${ctx.image.file}": the reboot runs it; a refusal (no space, corrupted) is reported and the switch keeps its image`,
            ]
          : []),
        `or the startup-config itself (${ctx.doorUrl}/ztp/boot/eos-${key}.cfg, or ${ctx.doorUrl}/ztp/config for every switch, recognised by the X-Arista-SystemMAC / X-Arista-Serial headers); the switch reboots into it, and refused lines only show in "show startup-config errors"`,
      ],
    };
  },
};
