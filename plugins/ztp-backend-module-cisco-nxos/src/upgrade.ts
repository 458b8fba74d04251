import {
  firstErrorLine,
  isSessionCut,
  requireFreeSpace,
  UpgradeStepError,
  type PlatformUpgrade,
} from '@ztp-portal/backstage-plugin-ztp-node';

// Not "100% -- SUCCESS": errors start their line or say FAIL.
const ERROR =
  /^\s*(?:ERROR|% )|-- FAIL|check failed|No such file|Install is aborted/im;

/**
 * NX-OS: the image is copied to bootflash over the management VRF, its
 * SHA-256 read back with "show file ... sha256sum", and "install all nxos
 * ... non-interruptive" (no question asked) checks it, saves the
 * configuration, sets the boot variables and reloads.
 */
export const nxosUpgrade: PlatformUpgrade = {
  rebootTimeoutMs: 30 * 60_000,

  async stage({ cli, image, report, longTimeoutMs }) {
    report('checking-space');
    const dir = await cli.run('dir bootflash:');
    const free = /^\s*(\d+) bytes free/m.exec(dir)?.[1];
    requireFreeSpace(
      free === undefined ? undefined : Number(free),
      image,
      'bootflash:',
      dir,
    );

    report('downloading');
    const target = `bootflash:${image.file}`;
    const copied = await cli.run(`copy ${image.url} ${target} vrf management`, {
      timeoutMs: longTimeoutMs,
    });
    if (ERROR.test(copied) || !/Copy complete/i.test(copied)) {
      throw new UpgradeStepError(
        'downloading',
        `the download from the door failed: ${firstErrorLine(copied, ERROR)}`,
        copied,
      );
    }

    report('verifying');
    const sum = await cli.run(`show file ${target} sha256sum`, {
      timeoutMs: longTimeoutMs,
    });
    const computed = /\b([0-9a-f]{64})\b/i.exec(sum)?.[1]?.toLowerCase();
    if (computed !== image.sha256) {
      await cli.run(`delete ${target} no-prompt`).catch(() => '');
      throw new UpgradeStepError(
        'verifying',
        computed
          ? `the image on bootflash has SHA-256 ${computed}, not the approved ${image.sha256}: the download is corrupted (deleted)`
          : `"show file ${target} sha256sum" gave no SHA-256: ${firstErrorLine(
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
        `install all nxos bootflash:${image.file} non-interruptive`,
        { timeoutMs: longTimeoutMs },
      );
    } catch (error) {
      if (isSessionCut(error)) return;
      throw error;
    }
    if (ERROR.test(output) || !/switch will reboot|reload/i.test(output)) {
      throw new UpgradeStepError(
        'installing',
        `install all refused the image: ${firstErrorLine(output, ERROR)}`,
        output,
      );
    }
  },
};
