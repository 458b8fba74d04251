import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PlatformDevice } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  aristaEosDriver,
  ciscoIosXeDriver,
  ciscoNxosDriver,
  juniperJunosDriver,
} from '../__testUtils__/builtinPlatforms';
import { bootstrapArtifacts, bootstrapContext, dhcpBootFile } from '.';
import {
  md5Hex,
  renderMinimalConfig,
} from '@ztp-portal/backstage-plugin-ztp-node';

const DOOR = 'http://198.18.0.5:7080';

function device(platform: string): PlatformDevice {
  return {
    entityRef: 'resource:default/leaf-01',
    name: 'leaf-01',
    hostname: 'leaf-01',
    platform,
    managementIp: '198.18.10.11',
    prefixLength: 24,
    defaultGateway: '198.18.10.1',
    macAddress: '52:54:00:0a:00:11',
    expectedSerial: 'FDO21120U8N',
  };
}

function context(driver: typeof ciscoIosXeDriver) {
  const d = device(driver.id);
  // A hash with the characters that need escaping in a Python literal.
  const config = renderMinimalConfig(driver, d, {
    username: 'ztp-3f9a1c',
    passwordHash: '$9$a\\b"""c$d',
  });
  return { ctx: bootstrapContext(d, config, `${DOOR}/`), config };
}

/** Compiles a script with python3 and reads one of its string constants. */
function pythonConstant(script: string, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-artifact-'));
  try {
    const file = path.join(dir, 'script.py');
    fs.writeFileSync(file, script);
    execFileSync('python3', ['-m', 'py_compile', file]);
    return execFileSync('python3', [
      '-c',
      'import ast,sys\nfor n in ast.parse(open(sys.argv[1]).read()).body:\n  if isinstance(n, ast.Assign) and n.targets[0].id == sys.argv[2]:\n    sys.stdout.write(ast.literal_eval(n.value))',
      file,
      name,
    ]).toString();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('bootstrap artifacts', () => {
  it('IOS XE: a Guest Shell script that compiles and carries the minimal configuration exactly', () => {
    const { ctx, config } = context(ciscoIosXeDriver);
    const files = bootstrapArtifacts(ciscoIosXeDriver, ctx);
    const script = files.find(f => f.name === 'ztp-5254000a0011.py')!;
    expect(script.contentType).toMatch(/^text\/x-python/);
    expect(script.deliversConfig).toBe(true);
    expect(files.find(f => f.name === 'ztp-leaf-01.py')!.body).toBe(
      script.body,
    );
    expect(pythonConstant(script.body, 'CONFIG')).toBe(config);
    expect(pythonConstant(script.body, 'REPORT_URL')).toBe(
      `${DOOR}/ztp/report/${md5Hex(config)}`,
    );
    expect(config).toMatch(
      /^ip domain name \S+\ncrypto key generate rsa modulus 2048\nip ssh version 2$/m,
    );
    expect(files.find(f => f.name === 'leaf-01-confg')!.body).toBe(config);
    expect(files.find(f => f.name === 'network-confg')).toMatchObject({
      body: 'ip host leaf-01 198.18.10.11\n',
      shared: 'concatenate',
    });
    // AutoInstall's other names: the 8.3 network file, and the default
    // file a box that resolves no hostname asks for, each device its own.
    expect(files.find(f => f.name === 'cisconet.cfg')).toMatchObject({
      body: 'ip host leaf-01 198.18.10.11\n',
      shared: 'concatenate',
    });
    for (const name of ['router-confg', 'ciscortr.cfg']) {
      expect(files.find(f => f.name === name)).toMatchObject({
        body: config,
        deliversConfig: true,
        shared: 'by-source-address',
      });
    }
    expect(dhcpBootFile(ciscoIosXeDriver, ctx)).toMatchObject({
      bootFileName: `${DOOR}/ztp/boot/ztp-5254000a0011.py`,
      tftpServer: '198.18.0.5',
    });
  });

  it('NX-OS: a POAP script whose md5sum line matches, and the configuration with its .md5 under POAP’s names', () => {
    const { ctx, config } = context(ciscoNxosDriver);
    const files = bootstrapArtifacts(ciscoNxosDriver, ctx);
    const poap = files.find(f => f.name === 'poap.py')!;
    const lines = poap.body.split('\n');
    const declared = /^#md5sum="([0-9a-f]{32})"$/.exec(lines[1])![1];
    expect(md5Hex(lines.filter(l => !l.startsWith('#md5sum')).join('\n'))).toBe(
      declared,
    );
    expect(pythonConstant(poap.body, 'BOOT_URL')).toBe(`${DOOR}/ztp/boot`);
    for (const name of [
      'conf.FDO21120U8N',
      'conf_5254000A0011.cfg',
      'conf_leaf-01.cfg',
    ]) {
      const conf = files.find(f => f.name === name)!;
      expect(conf.body).toBe(config);
      expect(conf.deliversConfig).toBe(true);
      expect(files.find(f => f.name === `${name}.md5`)!.body).toBe(
        `${md5Hex(config)}\n`,
      );
    }
    // POAP fetches the script by HTTP from a URL in 67 and refuses a lease
    // under an hour.
    expect(dhcpBootFile(ciscoNxosDriver, ctx)).toMatchObject({
      bootFileName: `${DOOR}/ztp/boot/poap.py`,
      tftpServer: '198.18.0.5',
      minLeaseSeconds: 3600,
    });
  });

  // --- NX-OS (POAP) ---
  it('NX-OS: the POAP script tries every command of the file, keeps the switch’s words, and reports no secret', () => {
    const { ctx, config } = context(ciscoNxosDriver);
    const poap = bootstrapArtifacts(ciscoNxosDriver, ctx).find(
      f => f.name === 'poap.py',
    )!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-poap-'));
    try {
      fs.writeFileSync(path.join(dir, 'poap.py'), poap.body);
      // The script's helpers only; its cli module is never called here.
      fs.writeFileSync(
        path.join(dir, 'cli.py'),
        'def cli(command):\n    raise AssertionError(command)\n',
      );
      fs.writeFileSync(path.join(dir, 'config.txt'), config);
      const out = execFileSync(
        'python3',
        [
          '-c',
          [
            'import json, sys',
            'sys.path.insert(0, sys.argv[1])',
            'import poap',
            'class cmd_exec_error(Exception): pass',
            'text = open(sys.argv[1] + "/config.txt").read()',
            'caret = "          ^\\n% Invalid command at \'^\' marker.\\n"',
            'print(json.dumps({',
            '  "blocks": poap.blocks(text),',
            '  "caret": poap.switch_words(cmd_exec_error(caret)),',
            '  "plain": poap.switch_words(cmd_exec_error("ERROR: Copy failed:\\n No space left on device\\n")),',
            '  "empty": poap.switch_words(cmd_exec_error()),',
            '  "secret": poap.without_secrets(text),',
            '}))',
          ].join('\n'),
          dir,
        ],
        { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
      ).toString();
      const result = JSON.parse(out);
      // Every command of the file, exactly, each top-level one with its
      // sub-commands (one cli() call each: a mode lasts one call).
      expect(result.blocks.map((b: string[]) => b[0])).toEqual(
        config.split('\n').filter(l => /^\S/.test(l)),
      );
      expect(result.blocks.flat()).toEqual(
        config
          .split('\n')
          .map(l => l.trim())
          .filter(Boolean),
      );
      expect(
        result.blocks.find((b: string[]) => b[0] === 'interface mgmt0'),
      ).toEqual([
        'interface mgmt0',
        'vrf member management',
        'ip address 198.18.10.11/24',
        'no shutdown',
      ]);
      // The switch's own words: its "%" line, else all it said; never None.
      expect(result.caret).toBe("% Invalid command at '^' marker.");
      expect(result.plain).toBe('ERROR: Copy failed: No space left on device');
      expect(result.empty).toBe('cmd_exec_error');
      expect(result.secret).toMatch(
        /^username ztp-3f9a1c password 5 <removed> {2}role network-admin$/m,
      );
      expect(result.secret).not.toContain('$9$');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  // --- end NX-OS ---

  it('EOS: a ZeroTouch script that compiles and carries the minimal configuration exactly, and the startup-config beside it', () => {
    const eos = context(aristaEosDriver);
    const files = bootstrapArtifacts(aristaEosDriver, eos.ctx);
    const script = files.find(f => f.name === 'eos-5254000a0011.py')!;
    // ZeroTouch runs a file as a script only when it starts with "#!".
    expect(script.body.startsWith('#!/usr/bin/env python3\n')).toBe(true);
    expect(script.contentType).toMatch(/^text\/x-python/);
    expect(script.deliversConfig).toBe(true);
    expect(files.find(f => f.name === 'eos-leaf-01.py')!.body).toBe(
      script.body,
    );
    expect(pythonConstant(script.body, 'CONFIG')).toBe(eos.config);
    expect(pythonConstant(script.body, 'REPORT_URL')).toBe(
      `${DOOR}/ztp/report/${md5Hex(eos.config)}`,
    );
    expect(files.find(f => f.name === 'eos-5254000a0011.cfg')).toMatchObject({
      body: eos.config,
      deliversConfig: true,
    });
    expect(eos.config).toMatch(/^aaa authorization exec default local$/m);
    expect(eos.config).toMatch(/^username ztp-3f9a1c privilege 15 /m);
    expect(dhcpBootFile(aristaEosDriver, eos.ctx)).toMatchObject({
      bootFileName: `${DOOR}/ztp/boot/eos-5254000a0011.py`,
    });
  });

  it('Junos: a ZTP script that compiles and carries the minimal configuration exactly, the configuration file beside it, and where DHCP points', () => {
    const junos = context(juniperJunosDriver);
    const files = bootstrapArtifacts(juniperJunosDriver, junos.ctx);
    const script = files.find(f => f.name === 'junos-5254000a0011.py')!;
    // Junos ZTP runs the file as a script only when it starts with "#!".
    expect(script.body.startsWith('#!/usr/bin/python3\n')).toBe(true);
    expect(script.contentType).toMatch(/^text\/x-python/);
    expect(script.deliversConfig).toBe(true);
    expect(files.find(f => f.name === 'junos-leaf-01.py')!.body).toBe(
      script.body,
    );
    expect(pythonConstant(script.body, 'CONFIG')).toBe(junos.config);
    expect(pythonConstant(script.body, 'REPORT_URL')).toBe(
      `${DOOR}/ztp/report/${md5Hex(junos.config)}`,
    );
    expect(files.find(f => f.name === 'junos-5254000a0011.conf')).toMatchObject(
      { body: junos.config, deliversConfig: true },
    );
    expect(junos.config).toMatch(/^ {4}root-authentication \{$/m);
    expect(dhcpBootFile(juniperJunosDriver, junos.ctx)).toMatchObject({
      tftpServer: '198.18.0.5',
      vendorOptions: {
        '01': 'ztp/boot/junos-5254000a0011.py',
        '03': 'http',
        '05': '7080',
      },
    });
  });

  it('Junos: the script reports the box\u2019s words without password hashes', () => {
    const junos = context(juniperJunosDriver);
    const script = bootstrapArtifacts(juniperJunosDriver, junos.ctx).find(
      f => f.name === 'junos-5254000a0011.py',
    )!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-artifact-'));
    try {
      fs.writeFileSync(path.join(dir, 'junos_ztp.py'), script.body);
      const run = (code: string, input: string) =>
        execFileSync('python3', ['-c', code], {
          cwd: dir,
          input,
        }).toString();
      // The statement of a refused load, as Junos quotes it.
      expect(
        run(
          'import sys, junos_ztp\nsys.stdout.write(junos_ztp.without_secrets(sys.stdin.read()))',
          `/var/tmp/ztp-x.conf:9:(17) syntax error: bogus\n  [edit system root-authentication]\n    'encrypted-password "$6$salt$hash";'\n$6$other$hash`,
        ),
      ).toBe(
        `/var/tmp/ztp-x.conf:9:(17) syntax error: bogus\n  [edit system root-authentication]\n    'encrypted-password <removed>;'\n<removed>`,
      );
      // After a refused load only the load's lines count (the commit that
      // follows commits nothing new); routine lines are left out.
      expect(
        run(
          'import sys, junos_ztp\nsys.stdout.write("|".join(junos_ztp.complaints(sys.stdin.read())))',
          "warning: uncommitted changes will be discarded on exit\nEntering configuration mode\nx.conf:3:(5) syntax error: bogus\nerror: configuration load failed: 1 error\n[edit]\n  'system'\n    Missing mandatory statement: 'root-authentication'\nerror: configuration check-out failed\n",
        ),
      ).toBe(
        'x.conf:3:(5) syntax error: bogus|error: configuration load failed: 1 error',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
