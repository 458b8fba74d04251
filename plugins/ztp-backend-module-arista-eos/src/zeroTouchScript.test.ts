import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { BootstrapContext } from '@ztp-portal/backstage-plugin-ztp-node';
import { eosBootstrap } from './bootstrap';
import { eosZeroTouchScript } from './zeroTouchScript';

const ctx: BootstrapContext = {
  device: {
    entityRef: 'resource:default/leaf-03',
    name: 'leaf-03',
    hostname: 'leaf-03',
    platform: 'arista-eos',
    managementIp: '127.0.10.13',
    prefixLength: 24,
    defaultGateway: '127.0.10.1',
    macAddress: '52:54:00:10:00:13',
  } as BootstrapContext['device'],
  minimalConfig:
    'hostname leaf-03\nusername u privilege 15 role network-admin secret sha512 $6$x$y\ninterface Management1\n   ip address 127.0.10.13/24\nend\n',
  doorUrl: 'http://127.0.0.1:7080',
  reportPath: '/ztp/report/0123456789abcdef0123456789abcdef',
};

const image = {
  file: 'EOS-4.32.0F.swi',
  url: 'http://127.0.0.1:7080/ztp/images/EOS-4.32.0F.swi',
  size: 1000,
  sha256: 'a'.repeat(64),
  version: '4.32.0F',
};

/**
 * Runs the script with python3 against a FastCli that answers from
 * `answers` (a command's first words to its output) and logs every
 * command, and a door that records the reports. Returns both, in order.
 */
async function runScript(
  script: string,
  answers: Record<string, string>,
): Promise<{ commands: string[]; reports: string[]; exitCode: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eos-zt-'));
  const reports: string[] = [];
  const door = http.createServer((req, res) => {
    const m = /\/ztp\/report\/[0-9a-f]{32}\/([a-z-]+)(?:\/(.*))?$/.exec(
      req.url ?? '',
    );
    if (m) {
      reports.push(
        `${m[1]} ${Buffer.from(m[2] ?? '', 'base64url').toString('utf8')}`,
      );
    }
    res.end('ok\n');
  });
  await new Promise<void>(r => door.listen(0, '127.0.0.1', () => r()));
  const port = (door.address() as { port: number }).port;
  try {
    const log = path.join(dir, 'commands.log');
    fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify(answers));
    fs.writeFileSync(
      path.join(dir, 'FastCli'),
      `#!/usr/bin/env python3
import json, os, sys
answers = json.load(open(${JSON.stringify(path.join(dir, 'answers.json'))}))
boot = ${JSON.stringify(path.join(dir, 'boot-config'))}
lines = sys.argv[sys.argv.index("-c") + 1].split("\\n")
out = ""
with open(${JSON.stringify(log)}, "a") as log:
    for line in lines:
        log.write(line + "\\n")
        if line.startswith("boot system ") and "boot system" not in answers:
            open(boot, "w").write("Software image: " + line.split()[2].replace(":", ":/") + "\\n")
            continue
        if line == "show boot-config" and os.path.exists(boot):
            out += open(boot).read()
            continue
        for prefix, answer in answers.items():
            if line.startswith(prefix):
                out += answer
                break
sys.stdout.write(out)
`,
      { mode: 0o755 },
    );
    const file = path.join(dir, 'script.py');
    fs.writeFileSync(
      file,
      script.replaceAll('http://127.0.0.1:7080', `http://127.0.0.1:${port}`),
    );
    const result = await new Promise<number>(resolve => {
      const child = spawn('python3', [file], {
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}` },
        stdio: 'ignore',
      });
      child.on('exit', code => resolve(code ?? -1));
    });
    const commands = fs.existsSync(log)
      ? fs.readFileSync(log, 'utf8').trim().split('\n')
      : [];
    return { commands, reports, exitCode: result };
  } finally {
    door.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const switchAnswers = (over: Record<string, string> = {}) => ({
  'show version': 'Arista DCS-7050SX3-48YC8\nSoftware image version: 4.31.2F\n',
  'show boot-config': 'Software image: flash:/EOS-4.31.2F.swi\n',
  'dir flash:':
    'Directory of flash:/\n\n4000000000 bytes total (3000000000 bytes free)\n',
  'copy http': 'Copy completed successfully.\n',
  'bash timeout': `${'a'.repeat(64)}  /mnt/flash/EOS-4.32.0F.swi\n`,
  ...over,
});

describe('eosZeroTouchScript', () => {
  it('is byte for byte what it was without an approved image', () => {
    expect(eosZeroTouchScript(ctx)).toBe(
      fs.readFileSync(
        path.join(__dirname, '__fixtures__/zerotouch-script-without-image.py'),
        'utf8',
      ),
    );
    expect(eosZeroTouchScript(ctx)).not.toMatch(/IMAGE|take_image/);
  });

  it('compiles with python3, with and without an image', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'eos-zt-'));
    try {
      for (const [name, body] of [
        ['plain.py', eosZeroTouchScript(ctx)],
        ['image.py', eosZeroTouchScript({ ...ctx, image })],
      ]) {
        fs.writeFileSync(path.join(dir, name), body);
        expect(() =>
          execFileSync('python3', ['-m', 'py_compile', path.join(dir, name)]),
        ).not.toThrow();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the image before the configuration: free space, copy, sha256sum on the switch, boot system read back, then the configuration saved', async () => {
    const { commands, reports, exitCode } = await runScript(
      eosZeroTouchScript({ ...ctx, image }),
      switchAnswers(),
    );
    expect(exitCode).toBe(0);
    expect(commands).toEqual([
      'show version',
      'show boot-config',
      'dir flash:',
      expect.stringMatching(
        /^copy http:\/\/127\.0\.0\.1:\d+\/ztp\/images\/EOS-4\.32\.0F\.swi flash:EOS-4\.32\.0F\.swi$/,
      ),
      'bash timeout 600 sha256sum /mnt/flash/EOS-4.32.0F.swi',
      'configure',
      'boot system flash:EOS-4.32.0F.swi',
      'end',
      'show boot-config',
      'configure',
      'hostname leaf-03',
      'end',
      'configure',
      'username u privilege 15 role network-admin secret sha512 $6$x$y',
      'end',
      'configure',
      'interface Management1',
      '   ip address 127.0.10.13/24',
      'end',
      'copy running-config startup-config',
    ]);
    expect(reports).toEqual([
      'started ',
      'image downloading EOS-4.32.0F.swi (1000 bytes) to flash:',
      'image verifying the SHA-256 of flash:EOS-4.32.0F.swi',
      'image installing EOS-4.32.0F.swi (4.32.0F, was 4.31.2F); rebooting',
      'applied ',
    ]);
  });

  it('leaves the image alone when the switch already runs the approved release (case and leading zeros aside)', async () => {
    const { commands, reports } = await runScript(
      eosZeroTouchScript({ ...ctx, image: { ...image, version: '4.031.02f' } }),
      switchAnswers(),
    );
    expect(commands.slice(0, 2)).toEqual(['show version', 'configure']);
    expect(reports).toEqual([
      'started ',
      'image already runs 4.31.2F',
      'applied ',
    ]);
  });

  it.each([
    {
      what: 'a flash without room, before any download',
      answers: {
        'dir flash:':
          'Directory of flash:/\n\n4000000000 bytes total (999 bytes free)\n',
      },
      failed:
        'image-failed flash: has 999 bytes free, EOS-4.32.0F.swi needs 1000 (4.31.2F runs on)',
      last: 'dir flash:',
    },
    {
      what: 'a copy the switch refuses, in its words',
      answers: {
        'copy http':
          '% Error copying http://x/EOS-4.32.0F.swi to flash:EOS-4.32.0F.swi (No space left on device)\n',
      },
      failed: expect.stringMatching(
        /^image-failed copy \S+ flash:EOS-4\.32\.0F\.swi: % Error copying .*\(No space left on device\)$/,
      ),
      last: 'delete flash:EOS-4.32.0F.swi',
    },
    {
      what: 'a corrupted download, deleted',
      answers: {
        'bash timeout': `${'b'.repeat(64)}  /mnt/flash/EOS-4.32.0F.swi\n`,
      },
      failed: `image-failed sha256sum of flash:EOS-4.32.0F.swi gave ${'b'.repeat(
        64,
      )}, not the approved ${'a'.repeat(
        64,
      )}: the download is corrupted (deleted)`,
      last: 'delete flash:EOS-4.32.0F.swi',
    },
    {
      what: 'boot system refused',
      answers: {
        'boot system': '% Invalid software image: EOS-4.32.0F.swi failed\n',
      },
      failed:
        'image-failed boot system flash:EOS-4.32.0F.swi: % Invalid software image: EOS-4.32.0F.swi failed',
      last: 'delete flash:EOS-4.32.0F.swi',
    },
    {
      what: 'an approved file of the same name as the image it boots',
      answers: {
        'show boot-config': 'Software image: flash:/EOS-4.32.0F.swi\n',
      },
      failed:
        'image-failed flash:EOS-4.32.0F.swi is the image the switch boots (4.31.2F), not overwritten',
      last: 'show boot-config',
    },
  ])(
    'reports $what as image-failed and goes on with the configuration on the old image',
    async ({ answers, failed, last }) => {
      const { commands, reports, exitCode } = await runScript(
        eosZeroTouchScript({ ...ctx, image }),
        switchAnswers(answers as unknown as Record<string, string>),
      );
      expect(exitCode).toBe(0);
      expect(reports).toEqual([
        'started ',
        ...reports.slice(1, -2),
        failed,
        'applied ',
      ]);
      expect(reports.filter(r => r.startsWith('image installing'))).toEqual([]);
      const configure = commands.indexOf('hostname leaf-03');
      expect(commands[configure - 2]).toBe(last);
      expect(commands.at(-1)).toBe('copy running-config startup-config');
    },
  );
});

describe('eosBootstrap.dhcpBootFile', () => {
  it('says the switch takes the approved image only when there is one', () => {
    const plain = eosBootstrap.dhcpBootFile!(ctx);
    const withImage = eosBootstrap.dhcpBootFile!({ ...ctx, image });
    expect(plain.downloads.join('\n')).not.toMatch(/image/);
    expect(withImage.downloads).toEqual([
      plain.downloads[0],
      expect.stringContaining(
        `${image.url} (1000 bytes) to flash:, its SHA-256 checked on the switch, and "boot system flash:EOS-4.32.0F.swi"`,
      ),
      plain.downloads[1],
    ]);
  });
});
