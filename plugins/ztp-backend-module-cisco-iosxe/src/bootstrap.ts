import type {
  BootstrapFile,
  DhcpBootContext,
  PlatformBootstrap,
} from '@ztp-portal/backstage-plugin-ztp-node';
import {
  deviceFileKey,
  deviceFileKeys,
  doorHost,
  PYTHON,
  TEXT,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { iosXeZtpScript } from './ztpScript';

/** The per-device ZTP script's name: ztp-<mac or hostname>.py. */
export function iosXeScriptName(ctx: DhcpBootContext): string {
  return `ztp-${deviceFileKey(ctx.device)}.py`;
}

/**
 * IOS XE: ZTP (16.5 and later) downloads the Python script DHCP option 67
 * names and runs it in Guest Shell. Without a script it falls back to
 * AutoInstall over TFTP: network-confg (or its 8.3 name cisconet.cfg),
 * which maps the address DHCP gave to a hostname with "ip host", then
 * <hostname>-confg; a box that resolves no hostname asks for the default
 * router-confg (then ciscortr.cfg), answered with its own configuration
 * by the address it asks from.
 */
export const iosXeBootstrap: PlatformBootstrap = {
  files(ctx): BootstrapFile[] {
    const script = iosXeZtpScript(ctx);
    const scripts = deviceFileKeys(ctx.device).map(key => ({
      name: `ztp-${key}.py`,
      contentType: PYTHON,
      body: script,
      deliversConfig: true,
    }));
    const hostLine = `ip host ${ctx.device.hostname} ${ctx.device.managementIp}\n`;
    return [
      ...scripts,
      {
        name: `${ctx.device.hostname}-confg`,
        contentType: TEXT,
        body: ctx.minimalConfig,
        deliversConfig: true,
      },
      ...['network-confg', 'cisconet.cfg'].map(name => ({
        name,
        contentType: TEXT,
        body: hostLine,
        deliversConfig: false,
        shared: 'concatenate' as const,
      })),
      ...['router-confg', 'ciscortr.cfg'].map(name => ({
        name,
        contentType: TEXT,
        body: ctx.minimalConfig,
        deliversConfig: true,
        shared: 'by-source-address' as const,
      })),
    ];
  },

  dhcpBootFile(ctx) {
    return {
      bootFileName: `${ctx.doorUrl}/ztp/boot/${iosXeScriptName(ctx)}`,
      tftpServer: doorHost(ctx),
      downloads: [
        `ZTP: ${iosXeScriptName(
          ctx,
        )} over HTTP, run in Guest Shell: it applies the minimal configuration, generates the RSA key, saves, and reports to the door`,
        `AutoInstall (no script): network-confg then ${ctx.device.hostname}-confg over TFTP from option 150 (router-confg, answered by the address it asks from, when it resolves no hostname)`,
      ],
    };
  },
};
