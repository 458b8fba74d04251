import {
  bootDevice,
  TEST_USER,
  type BootedDevice,
} from '../../__testUtils__/bootDevice';
import { execCommand, Shell } from '../../__testUtils__/sshClient';

const OP = new RegExp(`${TEST_USER}@edge-01> $`);
const CONF = new RegExp(`\\[edit\\]\\r\\n${TEST_USER}@edge-01# $`);

/** What a command printed: without its echo and the next prompt. */
function printed(out: string): string {
  return out
    .replace(/^.*\r\n/, '')
    .replace(CONF, '')
    .replace(OP, '');
}

/** Sends "load <how> terminal", the body and Ctrl-D; returns the output. */
async function load(shell: Shell, how: string, body: string): Promise<string> {
  shell.send(`load ${how} terminal\r`);
  await shell.expect('[Type ^D at a new line to end input]\r\n');
  shell.send(`${body.replace(/\n/g, '\r')}\x04`);
  return shell.expect(CONF);
}

describe('Juniper Junos CLI', () => {
  let booted: BootedDevice;
  beforeAll(async () => {
    booted = await bootDevice('juniper-junos', '127.0.45.14', {
      realSerial: 'WS3718010123',
      timerScale: 0.005, // one minute of commit confirmed lasts 300 ms here
    });
  });
  afterAll(() => booted.stop());

  it('answers show chassis hardware, its XML form and show version', async () => {
    const shell = await Shell.open(booted.login, 500);
    try {
      const motd = await shell.expect(OP);
      expect(motd).toContain('--- JUNOS 22.4R3.25 Kernel 64-bit');
      const hardware = await shell.run('show chassis hardware', OP);
      expect(hardware).toContain(
        'Item             Version  Part number  Serial number     Description\r\n' +
          'Chassis                                WS3718010123      QFX5120-48Y-8C\r\n',
      );
      expect(hardware).toMatch(
        /FPC 0 {12}REV 14 {3}650-084062 {3}WS3718010123 {6}QFX5120-48Y-8C/,
      );
      expect(hardware).toMatch(
        /Power Supply 0 {3}REV 03 {3}740-073765 {3}1GA2\w{7}\s+JPSU-650W-AC-AFO/,
      );
      expect(hardware).toMatch(
        / {4}Xcvr 48 {6}REV 01 {3}740-058734 {3}1ACQ\w{8}/,
      );
      const xml = await shell.run('show chassis hardware | display xml', OP);
      expect(xml).toMatch(
        /<chassis junos:style="inventory">\r\n\s+<name>Chassis<\/name>\r\n\s+<serial-number>WS3718010123<\/serial-number>/,
      );
      const version = await shell.run('show version', OP);
      expect(version).toContain(
        'Hostname: edge-01\r\nModel: qfx5120-48y-8c\r\nJunos: 22.4R3.25',
      );
    } finally {
      shell.close();
    }
  });

  it('pages with ---(more N%)--- until set cli screen-length 0, and reports syntax errors', async () => {
    const shell = await Shell.open(booted.login, 24);
    try {
      await shell.expect(OP);
      shell.send('show version\r');
      await shell.expect(/---\(more \d+%\)---$/);
      shell.send(' ');
      await shell.expect(/---\(more \d+%\)---$/);
      shell.send('q');
      await shell.expect(OP);
      expect(await shell.run('set cli screen-length 0', OP)).toContain(
        'Screen length set to 0',
      );
      expect(await shell.run('show version', OP)).not.toContain('---(more');
      const prompt = `${TEST_USER}@edge-01> `;
      expect(await shell.run('show chasis hardware', OP)).toContain(
        `${' '.repeat(
          prompt.length + 'show '.length,
        )}^\r\nsyntax error, expecting <command>.`,
      );
      expect(await shell.run('frobnicate', OP)).toContain(
        `${' '.repeat(prompt.length)}^\r\nunknown command.`,
      );
      expect(
        await execCommand(booted.login, 'show chassis hardware | no-more'),
      ).toContain('WS3718010123');
    } finally {
      shell.close();
    }
  });

  it('loads, compares and commits in a private candidate', async () => {
    const shell = await Shell.open(booted.login, 0);
    try {
      await shell.expect(OP);
      expect(await shell.run('configure private', CONF)).toContain(
        'warning: uncommitted changes will be discarded on exit\r\nEntering configuration mode',
      );
      const loaded = await load(
        shell,
        'merge',
        'system {\n    ntp {\n        server 127.0.0.123;\n    }\n}\n',
      );
      expect(loaded).toContain('load complete');
      const compare = await shell.run('show | compare', CONF);
      expect(compare).toContain(
        '[edit system]\r\n+  ntp {\r\n+      server 127.0.0.123;\r\n+  }',
      );
      expect(booted.device.runningConfig()).not.toContain('ntp');
      expect(await shell.run('commit check', CONF)).toContain(
        'configuration check succeeds',
      );
      expect(await shell.run('commit', CONF)).toContain('commit complete');
      expect(booted.device.runningConfig()).toContain(
        '        server 127.0.0.123;',
      );
      expect(printed(await shell.run('show | compare', CONF))).toBe('\r\n');
      expect(await shell.run('exit configuration-mode', OP)).toContain(
        'Exiting configuration mode',
      );
      expect(
        await shell.run('show configuration system ntp | display set', OP),
      ).toContain('set system ntp server 127.0.0.123');
    } finally {
      shell.close();
    }
  });

  it('rejects a load with syntax errors and leaves everything unchanged', async () => {
    const shell = await Shell.open(booted.login, 0);
    const before = booted.device.runningConfig();
    try {
      await shell.expect(OP);
      await shell.run('configure private', CONF);
      const out = await load(
        shell,
        'override',
        'system {\n    host-name edge-01;\n    bogus-statement yes;\n}\n',
      );
      expect(out).toContain('terminal:3:(5) syntax error: bogus-statement');
      expect(out).toContain('  [edit system]');
      expect(out).toMatch(/error: configuration load failed/);
      expect(out).not.toContain('load complete');
      const unbalanced = await load(
        shell,
        'merge',
        'system {\n    host-name x;\n',
      );
      expect(unbalanced).toMatch(/syntax error, expecting '}'/);
      expect(printed(await shell.run('show | compare', CONF))).toBe('\r\n');
      await shell.run('commit', CONF);
      expect(
        booted.device.runningConfig().replace(/## Last commit.*\n/, ''),
      ).toBe(before.replace(/## Last commit.*\n/, ''));
      await shell.run('exit', OP);
    } finally {
      shell.close();
    }
  });

  it('changes the candidate with set, delete and load set terminal', async () => {
    const shell = await Shell.open(booted.login, 0);
    try {
      await shell.expect(OP);
      await shell.run('configure private', CONF);
      expect(
        printed(
          await shell.run('set system login user ops class super-user', CONF),
        ),
      ).toBe('\r\n');
      await shell.run(
        'set system login user ops authentication encrypted-password "$6$c2FsdA$abc"',
        CONF,
      );
      const prompt = `${TEST_USER}@edge-01# `;
      expect(await shell.run('set system bogus-statement 1', CONF)).toContain(
        `${' '.repeat(prompt.length + 'set system '.length)}^\r\nsyntax error.`,
      );
      expect(
        await shell.run('delete system login user nobody', CONF),
      ).toContain('warning: statement not found');
      // Nothing is applied before the commit.
      expect(booted.device.runningConfig()).not.toContain('user ops');
      expect(await shell.run('show | compare', CONF)).toContain(
        '[edit system login]\r\n+  user ops {\r\n+      class super-user;',
      );
      expect(await shell.run('commit', CONF)).toContain('commit complete');
      expect(booted.device.runningConfig()).toMatch(
        /user ops \{\n\s+class super-user;\n\s+authentication \{\n\s+encrypted-password "\$6\$c2FsdA\$abc";/,
      );

      shell.send('load set terminal\r');
      await shell.expect('[Type ^D at a new line to end input]\r\n');
      shell.send(
        [
          'delete system login user ops',
          'set system frobnicate yes',
          'set system domain-name lab.example',
          '\x04',
        ].join('\r'),
      );
      const loaded = await shell.expect(CONF);
      // The line in error is reported and skipped, the others are loaded.
      expect(loaded).toContain('terminal:2:(12) syntax error: frobnicate');
      expect(loaded).toContain('load complete (1 errors)');
      const compare = await shell.run('show | compare', CONF);
      expect(compare).toContain('-  user ops {');
      expect(compare).toContain('+  domain-name lab.example;');
      await shell.run('commit', CONF);
      expect(booted.device.runningConfig()).not.toContain('user ops');
      expect(booted.device.runningConfig()).toContain(`user ${TEST_USER} {`);
      await shell.run('delete system domain-name', CONF);
      await shell.run('commit and-quit', OP);
      expect(booted.device.runningConfig()).not.toContain('domain-name');
    } finally {
      shell.close();
    }
  });

  it('rolls back commit confirmed unless a commit follows in time', async () => {
    const shell = await Shell.open(booted.login, 0);
    const rollbacks: string[] = [];
    booted.device.on('config-rolled-back', e => rollbacks.push(e.reason));
    try {
      await shell.expect(OP);
      await shell.run('configure private', CONF);
      await load(shell, 'merge', 'system { domain-name lab.example; }');
      const confirmed = await shell.run('commit confirmed 1', CONF);
      expect(confirmed).toContain(
        'commit confirmed will be automatically rolled back in 1 minutes unless confirmed\r\ncommit complete',
      );
      expect(confirmed).toContain(
        '# commit confirmed will be rolled back in 1 minutes',
      );
      expect(booted.device.runningConfig()).toContain(
        'domain-name lab.example;',
      );
      await shell.expect(
        'Commit was not confirmed; automatic rollback complete.',
        3000,
      );
      expect(booted.device.runningConfig()).not.toContain('domain-name');
      expect(rollbacks).toEqual(['commit confirmed was not confirmed in time']);

      await shell.run('rollback 1', CONF);
      expect(await shell.run('show | compare', CONF)).toContain(
        '+  domain-name lab.example;',
      );
      await shell.run('commit confirmed 2', CONF);
      expect(await shell.run('commit', CONF)).toContain('commit complete');
      await new Promise(r => setTimeout(r, 900)); // past the 600 ms timer
      expect(booted.device.runningConfig()).toContain(
        'domain-name lab.example;',
      );
      expect(rollbacks).toHaveLength(1);

      await load(shell, 'merge', 'system { time-zone UTC; }');
      shell.send('exit configuration-mode\r');
      await shell.expect('Discard uncommitted changes? [yes,no] (yes) ');
      shell.send('yes\r');
      expect(await shell.expect(OP)).toContain('Exiting configuration mode');
      expect(booted.device.runningConfig()).not.toContain('time-zone');
    } finally {
      shell.close();
    }
  });

  it('drops the connection in the middle of a load with dropAfterConfigLines', async () => {
    const dropping = await bootDevice('juniper-junos', '127.0.45.15', {
      dropAfterConfigLines: 3,
    });
    const shell = await Shell.open(dropping.login);
    try {
      await shell.expect(OP);
      await shell.run('configure private', CONF);
      shell.send('load merge terminal\r');
      await shell.expect('[Type ^D at a new line to end input]');
      shell.send(
        'system {\r    ntp {\r        server 127.0.0.9;\r    }\r}\r\x04',
      );
      await shell.waitClosed();
      expect(dropping.device.runningConfig()).not.toContain('ntp');
    } finally {
      shell.close();
      await dropping.stop();
    }
  });
});
