import {
  ciscoStyleKeyLines,
  type PlatformPushProcedure,
} from '@ztp-portal/backstage-plugin-ztp-node';

/** Where the archive keeps the configurations a timed revert restores. */
const ARCHIVE_PREFIX = 'ztp-archive';

/**
 * Cisco IOS XE: the running configuration is copied to flash first (what an
 * explicit rollback restores with "configure replace"), then the lines are
 * entered in "configure terminal revert timer" mode (Configuration
 * Rollback Confirmed Change, which needs an archive path): unless
 * "configure confirm" follows in time, the device restores the
 * configuration by itself, also when the new one cut the session.
 */
export const ciscoIosXePush: PlatformPushProcedure = {
  // copy asks for the destination name; "no username" asks to confirm.
  interactivePrompts: /(?:Destination filename \[[^\]]*\]\?|\[confirm\])\s*$/,
  rejectPattern: /^\s*%\s?(?:Error|Configuration replace aborted|Failed)/i,

  keyLines: ciscoStyleKeyLines,

  async apply(cli, config, ctx) {
    const file = `flash:${ctx.label}.cfg`;
    await cli.run(`copy running-config ${file}`);
    // Accept the destination filename it proposes (the same name).
    await cli.send('\n', { describe: `copy running-config ${file}` });
    ctx.phase = 'prepared';
    await cli.run('configure terminal');
    await cli.run('archive');
    await cli.run(`path flash:${ARCHIVE_PREFIX}`);
    await cli.run('end');
    await cli.run(`configure terminal revert timer ${ctx.confirmMinutes}`);
    // The timer runs from here: every line below reverts by itself.
    ctx.phase = 'pending-confirm';
    await cli.configure(config);
    await cli.run('end');
  },

  async confirm(cli, ctx) {
    await cli.run('configure confirm');
    ctx.phase = 'confirmed';
  },

  async rollback(cli, ctx, fresh) {
    if (!fresh) await cli.runQuietly('end');
    if (ctx.phase === 'pending-confirm') {
      await cli.runQuietly('configure revert now');
    }
    const output = await cli.run(
      `configure replace flash:${ctx.label}.cfg force`,
      { timeoutMs: 300_000 },
    );
    if (/aborted|failed/i.test(output)) {
      throw new Error(`the rollback did not complete: ${output.trim()}`);
    }
  },

  async removeAccount(cli, removal) {
    await cli.run('configure terminal');
    for (const line of removal.split('\n')) {
      if (!line.trim() || /^\s*!/.test(line)) continue;
      await cli.run(line.trim(), { what: 'configuration line' });
      if (/^no username /.test(line.trim())) {
        // Answers "Do you want to continue? [confirm]" where it is asked;
        // elsewhere an empty line at the prompt does nothing.
        await cli.send('\n', { describe: line.trim() });
      }
    }
    await cli.run('end');
    await cli.run('write memory', { timeoutMs: 300_000 });
  },

  async cleanup(cli, ctx) {
    await cli.runQuietly(`delete /force flash:${ctx.label}.cfg`);
  },
};
