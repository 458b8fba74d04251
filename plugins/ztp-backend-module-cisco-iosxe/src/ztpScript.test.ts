import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  BootstrapContext,
  UpgradeImage,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { iosXeZtpScript } from './ztpScript';
import {
  runWithFakeCli,
  startReportDoor,
} from './__testUtils__/fakeGuestShell';

const CONFIG =
  'hostname leaf-01\n!\nusername ztp-3f9a1c privilege 15 secret 9 $9$a\\b"""c$d\nip domain name ztp.invalid\ncrypto key generate rsa modulus 2048\nend\n';

function context(doorUrl: string, image?: UpgradeImage): BootstrapContext {
  return {
    device: {
      entityRef: 'resource:default/leaf-01',
      name: 'leaf-01',
      hostname: 'leaf-01',
      platform: 'cisco-iosxe',
      managementIp: '127.0.10.11',
      prefixLength: 24,
      defaultGateway: '127.0.10.1',
      expectedSerial: 'FGL2231A0BX',
    },
    minimalConfig: CONFIG,
    doorUrl,
    reportPath: '/ztp/report/0123456789abcdef0123456789abcdef',
    ...(image && { image }),
  };
}

const FILE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const MD5 = '0123456789abcdef0123456789abcdef';
const image = (doorUrl: string, md5: string | undefined = MD5) => ({
  file: FILE,
  url: `${doorUrl}/ztp/images/${FILE}`,
  size: 900_000,
  sha256: 'ab'.repeat(32),
  ...(md5 && { md5 }),
  version: '17.9.4a',
});

const showVersion = (version: string) =>
  `Cisco IOS XE Software, Version ${version}\nCisco IOS Software [Cupertino], Catalyst L3 Switch Software (CAT9K_IOSXE), Version ${version}, RELEASE SOFTWARE (fc3)\n`;
const dir = (free: number) =>
  `Directory of flash:/\n\n    1  -rw-          4096  Dec 4 2026 21:00:00 +00:00  vlan.dat\n\n16000000000 bytes total (${free} bytes free)\n`;

/** The configuration part that follows in every case. */
const CONFIGURED: Array<[string, unknown]> = [
  [
    'configure',
    [
      'hostname leaf-01',
      'username ztp-3f9a1c privilege 15 secret 9 $9$a\\b"""c$d',
      'ip domain name ztp.invalid',
      'crypto key generate rsa modulus 2048',
    ],
  ],
  ['exec', 'write memory'],
];

describe('the IOS XE Guest Shell ZTP script', () => {
  let door: Awaited<ReturnType<typeof startReportDoor>>;
  beforeAll(async () => {
    door = await startReportDoor();
  });
  afterAll(() => door.close());

  it('is byte for byte what it was without an approved image', () => {
    const before = fs.readFileSync(
      path.join(__dirname, '__fixtures__', 'ztp-script-without-image.py'),
      'utf8',
    );
    expect(iosXeZtpScript(context('http://127.0.0.1:7080'))).toBe(before);
  });

  it('compiles with python3 with an image', () => {
    const dirPath = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-iosxe-'));
    try {
      const file = path.join(dirPath, 'ztp.py');
      fs.writeFileSync(
        file,
        iosXeZtpScript(context(door.doorUrl, image(door.doorUrl))),
      );
      expect(() =>
        execFileSync('python3', ['-m', 'py_compile', file]),
      ).not.toThrow();
    } finally {
      fs.rmSync(dirPath, { recursive: true, force: true });
    }
  });

  it('on another release: checks flash:, copies, verifies the MD5 on the box and installs without saving, reporting each step; the reload ends it', async () => {
    const run = await runWithFakeCli(
      iosXeZtpScript(context(door.doorUrl, image(door.doorUrl))),
      [
        ['show version', showVersion('17.06.05')],
        ['dir flash:', dir(2_000_000)],
        [
          'copy ',
          `Accessing ...\n[OK - 900000/4096 bytes]\n\n900000 bytes copied in 1.2 secs (750000 bytes/sec)\n`,
        ],
        ['verify /md5', `...Done!\nVerified (flash:${FILE}) = ${MD5}\n`],
        ['install add', '<reload>'],
      ],
      door.reports,
    );
    expect(run.exitCode).toBe(75);
    expect(run.calls).toEqual([
      ['exec', 'show version'],
      ['exec', 'dir flash:'],
      ['configure', ['file prompt quiet']],
      ['exec', `copy ${door.doorUrl}/ztp/images/${FILE} flash:${FILE}`],
      ['exec', `verify /md5 flash:${FILE} ${MD5}`],
      [
        'exec',
        `install add file flash:${FILE} activate commit prompt-level none`,
      ],
    ]);
    expect(run.reports).toEqual([
      ['started', ''],
      [
        'image',
        'runs 17.06.05, approved 17.9.4a: checking flash: for 900000 bytes',
      ],
      ['image', `downloading ${FILE}`],
      ['image', `verifying the MD5 of flash:${FILE}`],
      ['image', `installing ${FILE}; rebooting into 17.9.4a`],
    ]);
  });

  it('on the approved release (leading zeros aside): says so and configures', async () => {
    const run = await runWithFakeCli(
      iosXeZtpScript(context(door.doorUrl, image(door.doorUrl))),
      [
        ['show version', showVersion('17.09.04a')],
        ['write memory', 'Building configuration...\n[OK]\n'],
      ],
      door.reports,
    );
    expect(run.exitCode).toBe(0);
    expect(run.calls).toEqual([['exec', 'show version'], ...CONFIGURED]);
    expect(run.reports).toEqual([
      ['started', ''],
      ['image', 'already runs 17.09.04a'],
      ['applied', ''],
    ]);
  });

  it('an MD5 mismatch: deletes the file, reports image-failed with the box words, and configures on the old image', async () => {
    const mismatch = `...Done!\n%Error verifying flash:${FILE}\nComputed signature   = ffffffffffffffffffffffffffffffff\nSubmitted signature  = ${MD5}\n`;
    const run = await runWithFakeCli(
      iosXeZtpScript(context(door.doorUrl, image(door.doorUrl))),
      [
        ['show version', showVersion('17.06.05')],
        ['dir flash:', dir(2_000_000)],
        ['copy ', '900000 bytes copied in 1.2 secs (750000 bytes/sec)\n'],
        ['verify /md5', mismatch],
        ['write memory', 'Building configuration...\n[OK]\n'],
      ],
      door.reports,
    );
    expect(run.exitCode).toBe(0);
    expect(run.calls).toEqual([
      ['exec', 'show version'],
      ['exec', 'dir flash:'],
      ['configure', ['file prompt quiet']],
      ['exec', `copy ${door.doorUrl}/ztp/images/${FILE} flash:${FILE}`],
      ['exec', `verify /md5 flash:${FILE} ${MD5}`],
      ['exec', `delete /force flash:${FILE}`],
      ['configure', ['no file prompt quiet']],
      ...CONFIGURED,
    ]);
    expect(run.reports.at(-2)).toEqual([
      'image-failed',
      `verify /md5 flash:${FILE}: %Error verifying flash:${FILE} | Computed signature   = ffffffffffffffffffffffffffffffff | Submitted signature  = ${MD5} (deleted)`,
    ]);
    expect(run.reports.at(-1)).toEqual(['applied', '']);
  });

  it('a full flash: image-failed before any copy, and the configuration goes on', async () => {
    const run = await runWithFakeCli(
      iosXeZtpScript(context(door.doorUrl, image(door.doorUrl))),
      [
        ['show version', showVersion('17.06.05')],
        ['dir flash:', dir(500_000)],
        ['write memory', 'Building configuration...\n[OK]\n'],
      ],
      door.reports,
    );
    expect(run.exitCode).toBe(0);
    expect(run.calls).toEqual([
      ['exec', 'show version'],
      ['exec', 'dir flash:'],
      ...CONFIGURED,
    ]);
    expect(run.reports).toContainEqual([
      'image-failed',
      `flash: has 500000 bytes free, ${FILE} needs 900000`,
    ]);
    expect(run.reports.at(-1)).toEqual(['applied', '']);
  });

  it('a refused copy or install: image-failed with what the box said, then the configuration', async () => {
    const copyRefused = await runWithFakeCli(
      iosXeZtpScript(context(door.doorUrl, image(door.doorUrl))),
      [
        ['show version', showVersion('17.06.05')],
        ['dir flash:', dir(2_000_000)],
        [
          'copy ',
          `Accessing http://x/...\n%Error copying http://x/${FILE} (No space left on device)\n`,
        ],
        ['write memory', 'Building configuration...\n[OK]\n'],
      ],
      door.reports,
    );
    expect(copyRefused.reports).toContainEqual([
      'image-failed',
      `copy ${door.doorUrl}/ztp/images/${FILE}: %Error copying http://x/${FILE} (No space left on device)`,
    ]);
    expect(copyRefused.calls.slice(-3)).toEqual([
      ['configure', ['no file prompt quiet']],
      ...CONFIGURED,
    ]);
    const installRefused = await runWithFakeCli(
      iosXeZtpScript(context(door.doorUrl, image(door.doorUrl))),
      [
        ['show version', showVersion('17.06.05')],
        ['dir flash:', dir(2_000_000)],
        ['copy ', '900000 bytes copied in 1.2 secs (750000 bytes/sec)\n'],
        ['verify /md5', `Verified (flash:${FILE}) = ${MD5}\n`],
        [
          'install add',
          `install_add_activate_commit: START\nFAILED: install_add_activate_commit : Image verification failed: ${FILE} failed the image signature check\n`,
        ],
        ['write memory', 'Building configuration...\n[OK]\n'],
      ],
      door.reports,
    );
    expect(installRefused.exitCode).toBe(0);
    expect(installRefused.reports).toContainEqual([
      'image-failed',
      `install add file flash:${FILE}: FAILED: install_add_activate_commit : Image verification failed: ${FILE} failed the image signature check`,
    ]);
    expect(installRefused.reports.at(-1)).toEqual(['applied', '']);
  });

  it('without an MD5 in the catalog: IOS XE cannot check the image, so it is not taken (no download)', async () => {
    const run = await runWithFakeCli(
      iosXeZtpScript(context(door.doorUrl, image(door.doorUrl, ''))),
      [
        ['show version', showVersion('17.06.05')],
        ['write memory', 'Building configuration...\n[OK]\n'],
      ],
      door.reports,
    );
    expect(run.calls).toEqual([['exec', 'show version'], ...CONFIGURED]);
    expect(run.reports[1]).toEqual([
      'image-failed',
      `IOS XE verifies an image with verify /md5 only: ztp.images gives no md5 for ${FILE}, so it is not taken`,
    ]);
    expect(run.reports.at(-1)).toEqual(['applied', '']);
  });
});
