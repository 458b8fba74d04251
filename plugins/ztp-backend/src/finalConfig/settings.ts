import type { Config } from '@backstage/config';

/** Settings of final-configuration pushes (see config.d.ts, ztp.finalConfig). */
export type FinalConfigSettings = {
  /** Pushes of one bulk job running at once. */
  concurrency: number;
  connectTimeoutMs: number;
  /** Limit of one SSH session, login to last command. */
  deadlineMs: number;
  /** Limit of one command's answer. */
  commandTimeoutMs: number;
  /** Minutes a commit timer / commit confirmed waits for the confirmation. */
  confirmMinutes: number;
  /** How often a replica running bulk pushes says so; four missed and another takes them over. */
  jobHeartbeatMs?: number;
  /** CIDRs the backend may connect to (shared with serial checks). */
  managementNetworks: string[];
  /** Platform id to a directory of template overrides. */
  templateDirectories: Record<string, string>;
};

export function readFinalConfigSettings(root: Config): FinalConfigSettings {
  const ztp = root.getOptionalConfig('ztp');
  const c = ztp?.getOptionalConfig('finalConfig');
  const templates = ztp?.getOptionalConfig('templates');
  const templateDirectories: Record<string, string> = {};
  for (const platform of templates?.keys() ?? []) {
    const dir = templates!.getOptionalString(`${platform}.final`);
    if (dir) templateDirectories[platform] = dir;
  }
  return {
    concurrency: c?.getOptionalNumber('concurrency') ?? 5,
    connectTimeoutMs:
      c?.getOptionalNumber('connectTimeoutMs') ??
      ztp?.getOptionalNumber('serialCheck.connectTimeoutMs') ??
      5000,
    deadlineMs: c?.getOptionalNumber('deadlineMs') ?? 600_000,
    commandTimeoutMs: c?.getOptionalNumber('commandTimeoutMs') ?? 60_000,
    confirmMinutes: c?.getOptionalNumber('confirmMinutes') ?? 5,
    jobHeartbeatMs: (c?.getOptionalNumber('jobHeartbeatSeconds') ?? 15) * 1000,
    managementNetworks: ztp?.getOptionalStringArray(
      'serialCheck.managementNetworks',
    ) ?? ['127.0.0.0/8'],
    templateDirectories,
  };
}
