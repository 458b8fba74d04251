import {
  ciscoStyleKeyLines,
  commandLines,
  type PlatformPushProcedure,
} from '@ztp-portal/backstage-plugin-ztp-node';

/** A line as NX-OS "echo" writes it back: quoted, inner quotes escaped. */
function echoed(line: string): string {
  return `"${line.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Cisco NX-OS: a checkpoint first (what an explicit rollback restores), then
 * the final configuration, with the bootstrap account kept until the end,
 * is written to bootflash and put in place with "configure replace ...
 * commit-timeout": unless "configure replace commit" follows in time, the
 * switch restores the previous configuration by itself, also when the new
 * one cut the session.
 */
export const ciscoNxosPush: PlatformPushProcedure = {
  rejectPattern:
    /^\s*(?:ERROR:|Rollback failed|% ?Permission denied|Configure replace failed)/i,

  keyLines: ciscoStyleKeyLines,

  async apply(cli, config, ctx) {
    await cli.run(`checkpoint ${ctx.label}`);
    ctx.phase = 'prepared';
    const file = `bootflash:${ctx.label}.cfg`;
    // The account this push is logged in with stays until it is removed.
    const running = await cli.run('show running-config | include username');
    const account = running
      .split('\n')
      .map(l => l.trim())
      .filter(l => ctx.username && l.startsWith(`username ${ctx.username} `));
    const lines = [
      ...config
        .split('\n')
        .filter(l => commandLines(l).length > 0)
        .map(l => l.trimEnd()),
      ...account,
    ];
    let first = true;
    for (const line of lines) {
      await cli.run(`echo ${echoed(line)} ${first ? '>' : '>>'} ${file}`);
      first = false;
    }
    ctx.phase = 'pending-confirm';
    await cli.run(
      `configure replace ${file} commit-timeout ${ctx.confirmMinutes * 60}`,
      { timeoutMs: 300_000 },
    );
  },

  async confirm(cli, ctx) {
    await cli.run('configure replace commit');
    ctx.phase = 'confirmed';
  },

  async rollback(cli, ctx, fresh) {
    if (!fresh) await cli.runQuietly('end');
    const output = await cli.run(
      `rollback running-config checkpoint ${ctx.label}`,
      { timeoutMs: 300_000 },
    );
    if (!/Rollback completed successfully/i.test(output)) {
      throw new Error(`the rollback did not complete: ${output.trim()}`);
    }
  },

  async removeAccount(cli, removal) {
    await cli.run('configure terminal');
    await cli.configure(removal);
    await cli.run('end');
    await cli.run('copy running-config startup-config', { timeoutMs: 300_000 });
  },

  async cleanup(cli, ctx) {
    await cli.runQuietly(`no checkpoint ${ctx.label}`);
    await cli.runQuietly(`delete bootflash:${ctx.label}.cfg no-prompt`);
  },
};
