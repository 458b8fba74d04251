import {
  firstErrorLine,
  isSessionCut,
  requireFreeSpace,
  UpgradeStepError,
  type PlatformUpgrade,
} from '@ztp-portal/backstage-plugin-ztp-node';

const ERROR = /^%|No such file|not found/im;

/**
 * Arista EOS: the SWI is copied to flash over HTTP, its SHA-256 computed
 * on the switch with the Linux sha256sum (EOS's "verify" knows MD5 and
 * SHA-512 only), "boot system" makes it the next boot (the boot-config,
 * checked with "show boot-config"), the configuration is saved and
 * "reload now" boots it.
 */
export const eosUpgrade: PlatformUpgrade = {
  rebootTimeoutMs: 20 * 60_000,

  async stage({ cli, image, report, longTimeoutMs }) {
    report('checking-space');
    const dir = await cli.run('dir flash:');
    const free = /\((\d+) bytes free\)/.exec(dir)?.[1];
    requireFreeSpace(
      free === undefined ? undefined : Number(free),
      image,
      'flash:',
      dir,
    );

    report('downloading');
    const copied = await cli.run(`copy ${image.url} flash:${image.file}`, {
      timeoutMs: longTimeoutMs,
    });
    if (ERROR.test(copied) || !/Copy completed successfully/i.test(copied)) {
      throw new UpgradeStepError(
        'downloading',
        `the download from the door failed: ${firstErrorLine(copied, ERROR)}`,
        copied,
      );
    }

    report('verifying');
    const seconds = Math.max(60, Math.ceil(longTimeoutMs / 1000));
    const sum = await cli.run(
      `bash timeout ${seconds} sha256sum /mnt/flash/${image.file}`,
      { timeoutMs: longTimeoutMs },
    );
    const computed = /^([0-9a-f]{64})\s/im.exec(sum)?.[1]?.toLowerCase();
    if (computed !== image.sha256) {
      await cli.run(`delete flash:${image.file}`).catch(() => '');
      throw new UpgradeStepError(
        'verifying',
        computed
          ? `the image on flash has SHA-256 ${computed}, not the approved ${image.sha256}: the download is corrupted (deleted)`
          : `sha256sum gave no SHA-256: ${firstErrorLine(sum, ERROR)}`,
        sum,
      );
    }
  },

  async install({ cli, image, report }) {
    report('installing');
    await cli.run('configure');
    const boot = await cli.run(`boot system flash:${image.file}`);
    await cli.run('end');
    const bootConfig = await cli.run('show boot-config');
    if (
      ERROR.test(boot) ||
      !bootConfig.includes(`Software image: flash:/${image.file}`)
    ) {
      throw new UpgradeStepError(
        'installing',
        `boot system refused the image: ${firstErrorLine(boot, ERROR)}`.trim(),
        `${boot}\n${bootConfig}`,
      );
    }
    await cli.run('write memory', { timeoutMs: 120_000 });
    try {
      await cli.run('reload now', { timeoutMs: 60_000 });
    } catch (error) {
      if (isSessionCut(error)) return;
      throw error;
    }
  },
};
