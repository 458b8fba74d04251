import {
  firstErrorLine,
  isSessionCut,
  requireFreeSpace,
  UpgradeStepError,
  type PlatformUpgrade,
} from '@ztp-portal/backstage-plugin-ztp-node';

const ERROR = /%\s?Error|FAILED/i;

/**
 * IOS XE in install mode (Catalyst 9000, ISR 4000, Catalyst 8000): the
 * image is copied to flash over HTTP, its MD5 is checked with "verify
 * /md5" (the checksum IOS XE computes), and "install add file ... activate
 * commit" installs it and reloads. The configuration is saved first: the
 * reload boots the startup-config.
 */
export const iosXeUpgrade: PlatformUpgrade = {
  interactivePrompts: /Destination filename \[[^\]]*\]\?\s*$/,
  rebootTimeoutMs: 20 * 60_000,

  async stage({ cli, image, report, longTimeoutMs }) {
    if (!image.md5) {
      throw new UpgradeStepError(
        'verifying',
        `IOS XE checks an image with "verify /md5": ztp.images.approved needs the md5 of ${image.file}`,
      );
    }
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
    const target = `flash:${image.file}`;
    await cli.run(`copy ${image.url} ${target}`);
    // Accept the destination file name it proposes (the image's).
    const copied = await cli.send('\n', { timeoutMs: longTimeoutMs });
    if (ERROR.test(copied) || !/bytes copied/.test(copied)) {
      throw new UpgradeStepError(
        'downloading',
        `the download from the door failed: ${firstErrorLine(copied, ERROR)}`,
        copied,
      );
    }

    report('verifying');
    const verified = await cli.run(`verify /md5 ${target} ${image.md5}`, {
      timeoutMs: longTimeoutMs,
    });
    if (!/^Verified \(/m.test(verified)) {
      const computed = /Computed signature\s*=\s*(\S+)/.exec(verified)?.[1];
      await cli.run(`delete /force ${target}`).catch(() => '');
      throw new UpgradeStepError(
        'verifying',
        computed
          ? `the image on flash has MD5 ${computed}, not the approved ${image.md5}: the download is corrupted (deleted)`
          : `"verify /md5" did not verify ${target}: ${firstErrorLine(
              verified,
              ERROR,
            )}`,
        verified,
      );
    }
  },

  async install({ cli, image, report, longTimeoutMs }) {
    report('installing');
    await cli.run('write memory', { timeoutMs: 120_000 });
    let output: string;
    try {
      output = await cli.run(
        `install add file flash:${image.file} activate commit prompt-level none`,
        { timeoutMs: longTimeoutMs },
      );
    } catch (error) {
      if (isSessionCut(error)) return;
      throw error;
    }
    if (ERROR.test(output) || !/SUCCESS: Finished Activate/i.test(output)) {
      throw new UpgradeStepError(
        'installing',
        `install add/activate/commit refused the image: ${firstErrorLine(
          output,
          ERROR,
        )}`,
        output,
      );
    }
  },
};
