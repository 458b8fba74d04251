import type { Config } from '@backstage/config';
import fs from 'node:fs';
import type { SerialCheckSettings } from './serialChecks/SerialCheckService';

/** The plugin's settings with their defaults (see config.d.ts). */
export type ZtpSettings = {
  provisioning: {
    enabled: boolean;
    host: string;
    port: number;
    allowedNetworks: string[];
    exposeOnPluginRouter: boolean;
    worker: boolean;
    /** The door as devices reach it (scripts call back there). */
    deviceUrl: string;
    tftp: { enabled: boolean; host: string; port: number };
  };
  serialCheck: SerialCheckSettings & {
    sweepSeconds: number;
    firstCheckDelayMs: number;
  };
  catalogSyncSeconds: number;
  catalogQuietPassSeconds: number;
  indexRefreshSeconds: number;
  signalWindowMs: number;
  eventRetentionDays: number;
  templateOverrides: Record<string, string>;
};

export function readZtpConfig(root: Config): ZtpSettings {
  const c = root.getOptionalConfig('ztp');
  const p = c?.getOptionalConfig('provisioning');
  const s = c?.getOptionalConfig('serialCheck');
  const templates = c?.getOptionalConfig('templates');
  const templateOverrides: Record<string, string> = {};
  for (const platform of templates?.keys() ?? []) {
    const file = templates!.getOptionalString(`${platform}.minimal`);
    if (file) templateOverrides[platform] = fs.readFileSync(file, 'utf8');
  }
  const host = p?.getOptionalString('host') ?? '127.0.0.1';
  const port = p?.getOptionalNumber('port') ?? 7080;
  const doorEnabled = p?.getOptionalBoolean('enabled') ?? true;
  return {
    provisioning: {
      enabled: doorEnabled,
      host,
      port,
      deviceUrl: (
        p?.getOptionalString('deviceUrl') ??
        `http://${host.includes(':') ? `[${host}]` : host}:${port}`
      ).replace(/\/+$/, ''),
      allowedNetworks: p?.getOptionalStringArray('allowedNetworks') ?? [],
      exposeOnPluginRouter:
        p?.getOptionalBoolean('exposeOnPluginRouter') ?? false,
      worker: p?.getOptionalBoolean('worker') ?? true,
      tftp: {
        // On with the door: devices that fall back to TFTP (AutoInstall,
        // POAP) ask the server DHCP names, on port 69, the door's own
        // address; DHCP cannot carry another port.
        enabled: p?.getOptionalBoolean('tftp.enabled') ?? doorEnabled,
        host: p?.getOptionalString('tftp.host') ?? host,
        port: p?.getOptionalNumber('tftp.port') ?? 69,
      },
    },
    serialCheck: {
      concurrency: s?.getOptionalNumber('concurrency') ?? 50,
      connectTimeoutMs: s?.getOptionalNumber('connectTimeoutMs') ?? 5000,
      deadlineMs: s?.getOptionalNumber('deadlineMs') ?? 30000,
      managementNetworks: s?.getOptionalStringArray('managementNetworks') ?? [
        '127.0.0.0/8',
      ],
      retryInitialDelayMs: s?.getOptionalNumber('retryInitialDelayMs') ?? 5000,
      retryMaxDelayMs: s?.getOptionalNumber('retryMaxDelayMs') ?? 300000,
      bootWindowMs: (s?.getOptionalNumber('bootWindowSeconds') ?? 1200) * 1000,
      bootRetryMaxDelayMs: s?.getOptionalNumber('bootRetryMaxDelayMs') ?? 5000,
      sweepSeconds: s?.getOptionalNumber('sweepSeconds') ?? 5,
      firstCheckDelayMs: s?.getOptionalNumber('firstCheckDelayMs') ?? 3000,
    },
    catalogSyncSeconds:
      c?.getOptionalNumber('catalogSync.frequencySeconds') ?? 10,
    catalogQuietPassSeconds:
      c?.getOptionalNumber('catalogSync.quietPassSeconds') ?? 60,
    indexRefreshSeconds:
      c?.getOptionalNumber('catalogSync.indexRefreshSeconds') ?? 10,
    signalWindowMs: c?.getOptionalNumber('signals.windowMs') ?? 100,
    eventRetentionDays: c?.getOptionalNumber('events.retentionDays') ?? 180,
    templateOverrides,
  };
}
