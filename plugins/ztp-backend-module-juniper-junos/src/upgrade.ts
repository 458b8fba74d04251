import {
  firstErrorLine,
  isSessionCut,
  requireFreeSpace,
  UpgradeStepError,
  type PlatformUpgrade,
} from '@ztp-portal/backstage-plugin-ztp-node';

const ERROR = /error|No space|not found|syntax error/i;
const UNITS: Record<string, number> = {
  B: 1,
  K: 1024,
  M: 1024 ** 2,
  G: 1024 ** 3,
  T: 1024 ** 4,
};

/** Avail of the filesystem holding /var/tmp, from "show system storage". */
export function junosVarAvailable(output: string): number | undefined {
  for (const line of output.split(/\r?\n/)) {
    const cols = line.trim().split(/\s+/);
    const mount = cols[cols.length - 1];
    if (!/^(?:\/\.mount)?\/var$/.test(mount ?? '')) continue;
    const m = /^([\d.]+)([BKMGT])?$/.exec(cols[3] ?? '');
    if (m) return Math.floor(Number(m[1]) * UNITS[m[2] ?? 'B']);
  }
  return undefined;
}

/**
 * Junos: the package is fetched to /var/tmp with "file copy", its SHA-256
 * checked with "file checksum sha-256", and "request system software add
 * ... no-copy reboot" validates it, installs it and reboots. Commits
 * persist on Junos, so nothing is saved first.
 */
export const junosUpgrade: PlatformUpgrade = {
  rebootTimeoutMs: 30 * 60_000,

  async stage({ cli, image, report, longTimeoutMs }) {
    report('checking-space');
    const storage = await cli.run('show system storage');
    requireFreeSpace(junosVarAvailable(storage), image, '/var', storage);

    report('downloading');
    const target = `/var/tmp/${image.file}`;
    const copied = await cli.run(`file copy ${image.url} ${target}`, {
      timeoutMs: longTimeoutMs,
    });
    if (ERROR.test(copied) || !/100% of/.test(copied)) {
      throw new UpgradeStepError(
        'downloading',
        `the download from the door failed: ${firstErrorLine(copied, ERROR)}`,
        copied,
      );
    }

    report('verifying');
    const sum = await cli.run(`file checksum sha-256 ${target}`, {
      timeoutMs: longTimeoutMs,
    });
    const computed = /=\s*([0-9a-f]{64})\b/i.exec(sum)?.[1]?.toLowerCase();
    if (computed !== image.sha256) {
      await cli.run(`file delete ${target}`).catch(() => '');
      throw new UpgradeStepError(
        'verifying',
        computed
          ? `the package in /var/tmp has SHA-256 ${computed}, not the approved ${image.sha256}: the download is corrupted (deleted)`
          : `"file checksum sha-256" gave no SHA-256: ${firstErrorLine(
              sum,
              ERROR,
            )}`,
        sum,
      );
    }
  },

  async install({ cli, image, report, longTimeoutMs }) {
    report('installing');
    let output: string;
    try {
      output = await cli.run(
        `request system software add /var/tmp/${image.file} no-copy reboot`,
        { timeoutMs: longTimeoutMs },
      );
    } catch (error) {
      if (isSessionCut(error)) return;
      throw error;
    }
    if (ERROR.test(output) || !/Rebooting|Shutdown NOW/i.test(output)) {
      throw new UpgradeStepError(
        'installing',
        `request system software add refused the package: ${firstErrorLine(
          output,
          ERROR,
        )}`,
        output,
      );
    }
  },
};
