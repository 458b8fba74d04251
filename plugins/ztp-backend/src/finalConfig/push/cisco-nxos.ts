import { ciscoStyleKeyLines } from './keyLines';
import type { PushProcedure } from './types';

/**
 * Cisco NX-OS: a checkpoint of the running configuration first, then the
 * configuration in configuration mode; "rollback running-config checkpoint"
 * restores the checkpoint if anything goes wrong.
 */
export const ciscoNxosPush: PushProcedure = {
  platform: 'cisco-nxos',
  rejectPattern: /^\s*(?:ERROR:|Rollback failed|% ?Permission denied)/i,

  keyLines: ciscoStyleKeyLines,

  async apply(cli, config, ctx) {
    await cli.run(`checkpoint ${ctx.label}`);
    ctx.phase = 'prepared';
    await cli.run('configure terminal');
    ctx.phase = 'changing';
    await cli.configure(config);
    await cli.run('end');
  },

  async confirm(_cli, ctx) {
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
  },
};
