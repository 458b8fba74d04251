import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type {
  BootstrapContext,
  UpgradeImage,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { junosBootstrap } from './bootstrap';
import { junosZtpScript } from './ztpScript';

const run = promisify(execFile);

const IMAGE: UpgradeImage = {
  file: 'junos-install-23.2R1.13.tgz',
  url: 'http://127.42.0.1:7080/ztp/images/junos-install-23.2R1.13.tgz',
  size: 2_000_000,
  sha256: 'ab'.repeat(32),
  version: '23.2R1.13',
};

const context = (doorUrl: string, image?: UpgradeImage): BootstrapContext => ({
  device: {
    entityRef: 'resource:default/edge-01',
    name: 'edge-01',
    hostname: 'edge-01',
    platform: 'juniper-junos',
    managementIp: '127.42.0.9',
    prefixLength: 24,
    macAddress: '52:54:00:0a:00:11',
    expectedSerial: 'JN11D3F4AA11',
  },
  minimalConfig: 'system {\n    host-name edge-01;\n}\n',
  doorUrl,
  reportPath: '/ztp/report/token',
  ...(image && { image }),
});

// What the box answers, by the start of each command.
const VERSION = (v: string) =>
  `Hostname: edge-01\nModel: qfx5120-48y-8c\nJunos: ${v}\n`;
const STORAGE = (avail: string) =>
  `Filesystem              Size       Used      Avail  Capacity  Mounted on\n/dev/gpt/junos          1.3G       1.0G       241M       81%  /.mount\n/dev/gpt/var             16G       1.0G     ${avail}        6%  /.mount/var\n`;
const COPIED =
  '/var/tmp/junos-install-23.2R1.13.tgz        100% of 1953K  12MBps\n';
const SUMMED = (sum: string) =>
  `SHA256 (/var/tmp/junos-install-23.2R1.13.tgz) = ${sum}\n`;
const ADDED =
  "Installing package '/var/tmp/junos-install-23.2R1.13.tgz' ...\nRebooting ...\nShutdown NOW!\n";
const COMMITTED =
  'load complete\ncommit complete\nExiting configuration mode\n';

// A stand-in for the box's cli program: logs each command and answers it;
// an install that reboots kills the script, as the reboot does.
const FAKE_CLI = `#!/usr/bin/env python3
import json, os, sys
commands = [c.strip() for c in sys.argv[2].split(";") if c.strip()]
answers = json.load(open(os.environ["FAKE_ANSWERS"]))
with open(os.environ["FAKE_LOG"], "a") as log:
    for command in commands:
        log.write(command + "\\n")
for command in commands:
    for prefix, answer in answers:
        if command.startswith(prefix):
            sys.stdout.write(answer)
            if "Shutdown NOW" in answer:
                sys.stdout.flush()
                os.kill(os.getppid(), 9)
            break
`;

type Run = { exitCode: number | null; commands: string[]; reports: string[] };

describe('the Junos ZTP script and the approved image', () => {
  let dir: string;
  let server: Server;
  let door: string;
  let reports: string[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'junos-ztp-script-'));
    fs.writeFileSync(path.join(dir, 'cli'), FAKE_CLI, { mode: 0o755 });
    server = createServer((req, res) => {
      const [stage, detail] = (req.url ?? '')
        .replace('/ztp/report/token/', '')
        .split('/');
      reports.push(
        detail
          ? `${stage}: ${Buffer.from(detail, 'base64url').toString('utf8')}`
          : stage,
      );
      res.end('ok');
    });
    await new Promise<void>(r => server.listen(0, '127.42.0.1', r));
    door = `http://127.42.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise(r => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function runScript(answers: [string, string][]): Promise<Run> {
    reports = [];
    const script = path.join(dir, 'junos.py');
    const log = path.join(dir, 'commands.log');
    fs.writeFileSync(script, junosZtpScript(context(door, IMAGE)));
    fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify(answers));
    fs.rmSync(log, { force: true });
    const exitCode = await new Promise<number | null>(resolve => {
      const child = spawn('python3', [script], {
        env: {
          ...process.env,
          PATH: `${dir}:${process.env.PATH}`,
          FAKE_ANSWERS: path.join(dir, 'answers.json'),
          FAKE_LOG: log,
        },
        stdio: 'ignore',
      });
      child.on('close', code => resolve(code));
    });
    const commands = fs.existsSync(log)
      ? fs.readFileSync(log, 'utf8').trim().split('\n')
      : [];
    return { exitCode, commands, reports };
  }

  it('without an image the script has no image step at all, and compiles', async () => {
    const script = junosZtpScript(context(door));
    expect(script).not.toMatch(/IMAGE_|take_image|import time|software add/);
    expect(script).toBe(junosZtpScript({ ...context(door), image: undefined }));
    const file = path.join(dir, 'plain.py');
    fs.writeFileSync(file, script);
    await run('python3', ['-m', 'py_compile', file]);
    // DHCP: 01 names the script, 03 http, 05 the port; no 43.00.
    const boot = junosBootstrap.dhcpBootFile({
      device: context(door).device,
      doorUrl: 'http://198.18.0.5:7080',
    });
    expect(boot.vendorOptions).toEqual({
      '01': 'ztp/boot/junos-5254000a0011.py',
      '03': 'http',
      '05': '7080',
    });
    expect(boot.downloads.join('\n')).not.toMatch(/image/);
  });

  it('with an image it compiles, carries the approved file, and DHCP still names only the script', async () => {
    const script = junosZtpScript(context(door, IMAGE));
    const file = path.join(dir, 'image.py');
    fs.writeFileSync(file, script);
    await run('python3', ['-m', 'py_compile', file]);
    expect(script).toContain(`IMAGE_URL = """${IMAGE.url}"""`);
    expect(script).toContain(`IMAGE_SHA256 = """${IMAGE.sha256}"""`);
    expect(script).toContain('IMAGE_SIZE = 2000000');
    const boot = junosBootstrap.dhcpBootFile({
      device: context(door).device,
      doorUrl: 'http://198.18.0.5:7080',
      image: IMAGE,
    });
    expect(Object.keys(boot.vendorOptions!)).toEqual(['01', '03', '05']);
    expect(boot.downloads.join('\n')).toContain(
      'request system software add ... no-copy no-validate reboot',
    );
  });

  it('takes the image in order: version, space, copy, sha-256, install with reboot; the configuration waits for the next run', async () => {
    const result = await runScript([
      ['show version', VERSION('22.4R3.25')],
      ['show system storage', STORAGE('6.0G')],
      ['file copy', COPIED],
      ['file checksum sha-256', SUMMED(IMAGE.sha256)],
      ['request system software add', ADDED],
    ]);
    expect(result.commands).toEqual([
      'show version',
      'show system storage',
      `file copy ${IMAGE.url} /var/tmp/${IMAGE.file}`,
      `file checksum sha-256 /var/tmp/${IMAGE.file}`,
      `request system software add /var/tmp/${IMAGE.file} no-copy no-validate reboot`,
    ]);
    // Killed by the reboot: nothing committed, nothing reported as failed.
    expect(result.exitCode).not.toBe(0);
    expect(result.reports).toEqual([
      'started',
      `image: downloading ${IMAGE.file} (2000000 bytes) to replace 22.4R3.25`,
      `image: verifying the SHA-256 of /var/tmp/${IMAGE.file}`,
      `image: installing ${IMAGE.file}; rebooting into 23.2R1.13`,
    ]);
  });

  it('on the approved release (case and leading zeros aside) it goes straight to the configuration', async () => {
    const result = await runScript([
      ['show version', VERSION('23.02r1.13')],
      ['configure private', ''],
      ['load override', ''],
      ['commit and-quit', COMMITTED],
    ]);
    expect(result.commands[0]).toBe('show version');
    expect(result.commands.slice(1)).toEqual([
      'configure private',
      expect.stringMatching(/^load override \/var\/tmp\/ztp-.*\.conf$/),
      'commit and-quit',
    ]);
    expect(result.exitCode).toBe(0);
    expect(result.reports).toEqual([
      'started',
      'image: already runs 23.02r1.13',
      'applied',
    ]);
  });

  it('a /var too small: no download, image-failed with the numbers, then the configuration on the old release', async () => {
    const result = await runScript([
      ['show version', VERSION('22.4R3.25')],
      ['show system storage', STORAGE('1.0M')],
      ['commit and-quit', COMMITTED],
    ]);
    expect(result.commands.some(c => c.startsWith('file copy'))).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(result.reports).toEqual([
      'started',
      `image-failed: /var has 1048576 bytes free, ${IMAGE.file} needs 2000000; the box keeps 22.4R3.25`,
      'applied',
    ]);
  });

  it('a corrupted package: deleted, never installed, image-failed with the checksum the box computed, then the configuration', async () => {
    const bad = 'cd'.repeat(32);
    const result = await runScript([
      ['show version', VERSION('22.4R3.25')],
      ['show system storage', STORAGE('6.0G')],
      ['file copy', COPIED],
      ['file checksum sha-256', SUMMED(bad)],
      ['commit and-quit', COMMITTED],
    ]);
    expect(result.commands).toContain(`file delete /var/tmp/${IMAGE.file}`);
    expect(
      result.commands.some(c => c.startsWith('request system software')),
    ).toBe(false);
    expect(result.exitCode).toBe(0);
    const failed = result.reports.find(r => r.startsWith('image-failed'))!;
    expect(failed).toContain(
      `SHA256 (/var/tmp/${IMAGE.file}) = ${bad}; the box keeps 22.4R3.25`,
    );
    expect(result.reports.at(-1)).toBe('applied');
  });

  it('a failed copy or a refused install: image-failed in Junos words, then the configuration', async () => {
    const copyFailed = await runScript([
      ['show version', VERSION('22.4R3.25')],
      ['show system storage', STORAGE('6.0G')],
      [
        'file copy',
        `fetch: ${IMAGE.url}: Not Found (HTTP 404)\nerror: file-fetch failed\n`,
      ],
      ['commit and-quit', COMMITTED],
    ]);
    expect(copyFailed.reports).toContain(
      `image-failed: file copy failed: fetch: ${IMAGE.url}: Not Found (HTTP 404)\nerror: file-fetch failed; the box keeps 22.4R3.25`,
    );
    expect(copyFailed.reports.at(-1)).toBe('applied');

    const refused = await runScript([
      ['show version', VERSION('22.4R3.25')],
      ['show system storage', STORAGE('6.0G')],
      ['file copy', COPIED],
      ['file checksum sha-256', SUMMED(IMAGE.sha256)],
      [
        'request system software add',
        "Installing package '/var/tmp/x' ...\nERROR: Package signature validation failed\n",
      ],
      ['commit and-quit', COMMITTED],
    ]);
    expect(refused.reports).toContain(
      'image-failed: request system software add refused the package: ERROR: Package signature validation failed; the box keeps 22.4R3.25',
    );
    expect(refused.exitCode).toBe(0);
    expect(refused.reports.at(-1)).toBe('applied');
  });
});
