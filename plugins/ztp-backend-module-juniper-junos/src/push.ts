import type { PlatformPushProcedure } from '@ztp-portal/backstage-plugin-ztp-node';

const JUNOS_KEY_LINE =
  /^(?:host-name \S+;|address \S+;|neighbor \S+ \{|peer-as \d+;|filter \S+ \{|policy-statement \S+ \{|security-zone \S+ \{)$/;

/**
 * Key lines of a Junos curly-brace configuration: what must show in the
 * running configuration read back (see ciscoStyleKeyLines for the others).
 */
export function junosKeyLines(config: string): string[] {
  return [
    ...new Set(
      config
        .split('\n')
        .map(line => line.trim().replace(/^(?:replace|inactive):\s*/, ''))
        .filter(line => JUNOS_KEY_LINE.test(line)),
    ),
  ];
}

/**
 * Juniper Junos: a private candidate configuration ("configure private",
 * discarded if the session ends), "load replace terminal" of the rendered
 * text, "commit check", then "commit confirmed": applied, and rolled back
 * by the device itself unless a second "commit" confirms it in time.
 */
export const juniperJunosPush: PlatformPushProcedure = {
  rejectPattern:
    /(?:^\s*(?:error:|syntax error)|:\s*syntax error|load complete \(\d*[1-9]\d* errors?\)|^\s*load failed)/im,

  keyLines: junosKeyLines,

  async apply(cli, config, ctx) {
    await cli.run('configure private');
    ctx.phase = 'prepared';
    await cli.send(`load replace terminal\n${config.trimEnd()}\n\x04`, {
      what: 'configuration',
      describe: 'load replace terminal',
      timeoutMs: 300_000,
    });
    await cli.run('commit check', { timeoutMs: 300_000 });
    ctx.phase = 'pending-confirm';
    await cli.run(
      `commit confirmed ${ctx.confirmMinutes} comment "${ctx.label}"`,
      { timeoutMs: 300_000 },
    );
  },

  async confirm(cli, ctx) {
    await cli.run(`commit comment "${ctx.label} confirmed"`, {
      timeoutMs: 300_000,
    });
    ctx.phase = 'confirmed';
  },

  async rollback(cli, ctx, fresh) {
    if (fresh) await cli.run('configure private');
    // Drop whatever the candidate holds, then restore the configuration
    // from before the commit if one happened.
    await cli.run('rollback 0');
    if (ctx.phase === 'pending-confirm' || ctx.phase === 'confirmed') {
      await cli.run('rollback 1');
      await cli.run(`commit comment "${ctx.label} rolled back"`, {
        timeoutMs: 300_000,
      });
    }
    await cli.runQuietly('exit configuration-mode');
  },

  async removeAccount(cli, removal, ctx) {
    if (/[{}]/.test(removal)) {
      // A curly-brace fragment (a site's own removal template) is loaded
      // like the configuration itself.
      await cli.send(`load replace terminal\n${removal.trimEnd()}\n\x04`, {
        what: 'account removal',
        describe: 'load replace terminal',
      });
    } else {
      // "delete system login user ..." and other set-style commands.
      for (const line of removal.split('\n')) {
        if (!line.trim() || /^\s*#/.test(line)) continue;
        await cli.run(line.trim(), { what: 'configuration line' });
      }
    }
    await cli.run(`commit comment "${ctx.label}: ZTP account removed"`, {
      timeoutMs: 300_000,
    });
    await cli.runQuietly('exit configuration-mode');
  },
};
