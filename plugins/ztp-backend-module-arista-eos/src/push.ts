import {
  ciscoStyleKeyLines,
  type PlatformPushProcedure,
} from '@ztp-portal/backstage-plugin-ztp-node';

const BANNER = { start: /^banner (?:login|motd)$/, end: /^EOF$/ };

function timer(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:00`;
}

/**
 * Arista EOS: the configuration goes into a configuration session, which
 * changes nothing until committed; "commit timer" applies it and reverts by
 * itself unless "configure session <name> commit" confirms it in time.
 */
export const aristaEosPush: PlatformPushProcedure = {
  rejectPattern: /^\s*% ?(?:Cannot|Session|Failed)/i,

  keyLines: ciscoStyleKeyLines,

  async apply(cli, config, ctx) {
    await cli.run(`configure session ${ctx.label}`);
    ctx.phase = 'prepared';
    await cli.configure(config, { textBlock: BANNER });
    await cli.run('show session-config diffs');
    ctx.phase = 'pending-confirm';
    await cli.run(`commit timer ${timer(ctx.confirmMinutes)}`);
  },

  async confirm(cli, ctx) {
    await cli.run(`configure session ${ctx.label} commit`);
    ctx.phase = 'confirmed';
  },

  async rollback(cli, ctx, fresh) {
    // Leave the session's configuration mode without committing it.
    if (!fresh) await cli.runQuietly('end');
    // Aborting a session pending its commit timer restores the running
    // configuration; aborting an uncommitted one discards it.
    await cli.run(`configure session ${ctx.label} abort`);
  },

  async removeAccount(cli, removal) {
    await cli.run('configure');
    await cli.configure(removal);
    await cli.run('end');
    await cli.run('write memory');
  },
};
