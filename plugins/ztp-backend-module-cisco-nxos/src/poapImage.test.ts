import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  BootstrapContext,
  UpgradeImage,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { nxosBootstrap } from './bootstrap';

const DOOR = 'http://127.0.0.1:7080';
const TOKEN = createHash('md5').update('hostname leaf-1\n').digest('hex');
const ctx: BootstrapContext = {
  device: {
    entityRef: 'resource:default/leaf-1',
    name: 'leaf-1',
    hostname: 'leaf-1',
    platform: 'cisco-nxos',
    managementIp: '127.41.0.5',
    prefixLength: 24,
    macAddress: '52:54:00:12:34:56',
    expectedSerial: 'FDO123',
  },
  minimalConfig: 'hostname leaf-1\n',
  doorUrl: DOOR,
  reportPath: `/ztp/report/${TOKEN}`,
};
const SHA256 = 'ab'.repeat(32);
const MD5 = 'cd'.repeat(16);
const image: UpgradeImage = {
  file: 'nxos64-cs.10.4.2.F.bin',
  url: `${DOOR}/ztp/images/nxos64-cs.10.4.2.F.bin`,
  size: 2_000_000,
  sha256: SHA256,
  md5: MD5,
  version: '10.4(2)',
};
const SCRIPT = `poap_${SHA256.slice(0, 16)}.py`;

/**
 * NX-OS's cli module as far as the script needs it: each command is
 * logged, and answered by the first rule whose pattern matches (a list of
 * answers is used one after the other, the last one repeated).
 */
const FAKE_CLI = `import json, os, re
RULES = json.load(open(os.environ["FAKE_RULES"]))
SEEN = {}
def cli(command):
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(command + "\\n")
    for pattern, answers in RULES:
        if re.search(pattern, command):
            answers = answers if isinstance(answers, list) else [answers]
            i = SEEN.get(pattern, 0)
            SEEN[pattern] = i + 1
            answer = answers[min(i, len(answers) - 1)]
            if answer.startswith("RAISE:"):
                raise Exception(answer[len("RAISE:"):])
            return answer
    return ""
`;

type Rules = Array<[string, string | string[]]>;

function switchRules(overrides: Rules): Rules {
  const conf = 'conf\\.FDO123';
  return [
    ...overrides,
    [
      '^show inventory',
      'NAME: "Chassis", DESCR: "Nexus"\nPID: N9K  ,  SN: FDO123',
    ],
    ['^show interface mgmt0', ''],
    ['^copy http://\\S+/ztp/report/', 'Copy complete.'],
    [`^copy http://\\S+/ztp/boot/${conf}`, 'Copy complete.'],
    [`^show file bootflash:${conf}\\.md5$`, `${TOKEN}\n`],
    [`^show file bootflash:${conf} md5sum$`, `${TOKEN}\n`],
    [`^show file bootflash:${conf}$`, 'hostname leaf-1\n'],
    [`^copy bootflash:${conf} scheduled-config`, 'Copy complete.'],
    [
      '^show version',
      '  BIOS: version 07.69\n  NXOS: version 9.3(8) [Maintenance Release]\n',
    ],
    [
      '^dir bootflash:',
      '  12 poap.py\n\nUsage for bootflash://sup-local\n 100 bytes used\n8000000000 bytes free\n',
    ],
    ['^copy http://\\S+/ztp/images/', 'Copy complete.'],
    // Not on bootflash before the download, then the real digest.
    ['sha256sum$', ['% No such file or directory', `${SHA256}\n`]],
    ['md5sum$', `${MD5}\n`],
    ['^copy running-config startup-config', 'Copy complete.'],
  ];
}

function runScript(script: string, rules: Rules) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nxos-poap-'));
  try {
    fs.writeFileSync(path.join(dir, 'cli.py'), FAKE_CLI);
    fs.writeFileSync(path.join(dir, 'rules.json'), JSON.stringify(rules));
    fs.writeFileSync(path.join(dir, 'poap.py'), script);
    const log = path.join(dir, 'log');
    fs.writeFileSync(log, '');
    const result = spawnSync('python3', [path.join(dir, 'poap.py')], {
      env: {
        PATH: process.env.PATH,
        PYTHONPATH: dir,
        FAKE_RULES: path.join(dir, 'rules.json'),
        FAKE_LOG: log,
      },
      encoding: 'utf8',
    });
    const commands = fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
    const reports = commands.flatMap(c => {
      const m = /\/ztp\/report\/[0-9a-f]{32}\/([a-z-]+)(?:\/(\S+))? /.exec(c);
      return m
        ? [
            `${m[1]}${
              m[2] ? `: ${Buffer.from(m[2], 'base64url').toString('utf8')}` : ''
            }`,
          ]
        : [];
    });
    return {
      status: result.status,
      stderr: result.stderr,
      commands: commands.filter(c => !/\/ztp\/report\//.test(c)),
      reports,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const downloadReports = [
  'image: downloading nxos64-cs.10.4.2.F.bin (2000000 bytes; running 9.3(8), approved 10.4(2))',
];

const imageScript = () =>
  nxosBootstrap.files({ ...ctx, image }).find(f => f.name === SCRIPT)!.body;

describe('the NX-OS POAP script with an approved image', () => {
  it('is not there without ctx.image: the files and DHCP options are what they were, byte for byte', () => {
    const files = nxosBootstrap.files(ctx);
    // The digest of the files before images were taken during POAP.
    expect(
      createHash('sha256').update(JSON.stringify(files)).digest('hex'),
    ).toBe('0a968142507afad701c95515a49ad9faf051419d3b599dcbac7e8ea0b9cbae8d');
    expect(files.map(f => f.body).join('')).not.toMatch(/IMAGE|boot nxos/);
    expect(nxosBootstrap.dhcpBootFile(ctx).bootFileName).toBe(
      `${DOOR}/ztp/boot/poap.py`,
    );
  });

  it("is a script of the image's own, shared, that DHCP names; poap.py stays the same", () => {
    const without = nxosBootstrap.files(ctx);
    const withImage = nxosBootstrap.files({ ...ctx, image });
    expect(withImage.map(f => f.name)).toEqual([
      'poap.py',
      SCRIPT,
      ...without.slice(1).map(f => f.name),
    ]);
    expect(withImage[0]).toEqual(without[0]);
    expect(withImage[1]).toMatchObject({
      shared: 'identical',
      deliversConfig: false,
    });
    // Another device taking the same image gets the same script.
    const other = nxosBootstrap.files({
      ...ctx,
      device: { ...ctx.device, name: 'leaf-2', expectedSerial: 'FDO456' },
      minimalConfig: 'hostname leaf-2\n',
      image,
    });
    expect(other.find(f => f.name === SCRIPT)!.body).toBe(withImage[1].body);
    const dhcp = nxosBootstrap.dhcpBootFile({ ...ctx, image });
    expect(dhcp.bootFileName).toBe(`${DOOR}/ztp/boot/${SCRIPT}`);
    expect(dhcp.downloads.join('\n')).toContain(image.url);
  });

  it('leaves an image whose file name the CLI could not take as one word to the SSH upgrade', () => {
    const odd = { ...image, file: 'nxos 10.4.2 ; reload.bin' };
    expect(nxosBootstrap.files({ ...ctx, image: odd })).toEqual(
      nxosBootstrap.files(ctx),
    );
    expect(nxosBootstrap.dhcpBootFile({ ...ctx, image: odd })).toEqual(
      nxosBootstrap.dhcpBootFile(ctx),
    );
  });

  it('compiles, and its #md5sum line is the MD5 of the script without it', () => {
    const script = imageScript();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nxos-poap-'));
    try {
      const file = path.join(dir, 'poap.py');
      fs.writeFileSync(file, script);
      execFileSync('python3', ['-m', 'py_compile', file]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const [shebang, md5Line, ...rest] = script.split('\n');
    expect(md5Line).toBe(
      `#md5sum="${createHash('md5')
        .update([shebang, ...rest].join('\n'))
        .digest('hex')}"`,
    );
  });

  it('takes the image before the configuration: space, download, checksums on the switch, boot nxos, saved; then the trial and the staging', () => {
    const run = runScript(imageScript(), switchRules([]));
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const at = (pattern: RegExp) => {
      const i = run.commands.findIndex(c => pattern.test(c));
      expect([pattern, i]).not.toEqual([pattern, -1]);
      return i;
    };
    const order = [
      /^show version$/,
      /^dir bootflash:$/,
      /^copy http:\/\/127\.0\.0\.1:7080\/ztp\/images\/nxos64-cs\.10\.4\.2\.F\.bin bootflash:nxos64-cs\.10\.4\.2\.F\.bin vrf management$/,
      /^configure terminal ; boot nxos bootflash:nxos64-cs\.10\.4\.2\.F\.bin$/,
      /^copy running-config startup-config$/,
      /^copy http:\S+\/ztp\/boot\/conf\.FDO123 bootflash:/,
      /^checkpoint ztp_poap_trial$/,
      /^copy bootflash:conf\.FDO123 scheduled-config$/,
    ].map(at);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const copied = at(/\/ztp\/images\//);
    const boot = at(/boot nxos/);
    const checks = run.commands
      .map((c, i) => ({ c, i }))
      .filter(({ c, i }) => i > copied && i < boot && /^show file/.test(c))
      .map(({ c }) => c);
    expect(checks).toEqual([
      'show file bootflash:nxos64-cs.10.4.2.F.bin sha256sum',
      'show file bootflash:nxos64-cs.10.4.2.F.bin md5sum',
    ]);
    expect(run.reports).toEqual([
      'started',
      'image: downloading nxos64-cs.10.4.2.F.bin (2000000 bytes; running 9.3(8), approved 10.4(2))',
      'image: installing nxos64-cs.10.4.2.F.bin: boot nxos bootflash:nxos64-cs.10.4.2.F.bin set and saved; rebooting into 10.4(2) when POAP ends',
      expect.stringMatching(/^staged: conf\.FDO123: /),
    ]);
  });

  it('leaves a switch that runs the approved release already (case and leading zeros aside) as it is', () => {
    const run = runScript(
      imageScript(),
      switchRules([
        ['^show version', '  NXOS: version 10.04(02) [Feature Release]\n'],
      ]),
    );
    expect(run.status).toBe(0);
    expect(run.commands.join('\n')).not.toMatch(
      /ztp\/images|boot nxos|dir bootflash/,
    );
    expect(run.reports.slice(0, 2)).toEqual([
      'started',
      'image: already runs 10.04(02)',
    ]);
  });

  it('deletes a file of the same name with other contents before it checks the space and downloads', () => {
    const run = runScript(
      imageScript(),
      switchRules([['sha256sum$', [`${'0f'.repeat(32)}\n`, `${SHA256}\n`]]]),
    );
    const i = (c: string) => run.commands.indexOf(c);
    expect(
      i('delete bootflash:nxos64-cs.10.4.2.F.bin no-prompt'),
    ).toBeGreaterThan(-1);
    expect(i('delete bootflash:nxos64-cs.10.4.2.F.bin no-prompt')).toBeLessThan(
      i('dir bootflash:'),
    );
    expect(run.reports[2]).toMatch(/^image: installing/);
  });

  it('does not download again an image an earlier run left on bootflash', () => {
    const run = runScript(
      imageScript(),
      switchRules([['sha256sum$', `${SHA256}\n`]]),
    );
    expect(run.commands.join('\n')).not.toMatch(/ztp\/images/);
    expect(run.commands).toContain(
      'configure terminal ; boot nxos bootflash:nxos64-cs.10.4.2.F.bin',
    );
    expect(run.reports[1]).toBe(
      'image: nxos64-cs.10.4.2.F.bin already on bootflash with the approved SHA-256',
    );
  });

  it.each([
    {
      what: 'too little free space on bootflash',
      rules: [
        [
          '^dir bootflash:',
          'Usage for bootflash://sup-local\n1000 bytes free\n',
        ],
      ] as Rules,
      reason:
        'not enough space on bootflash for nxos64-cs.10.4.2.F.bin (2000000 bytes): 1000 bytes free; keeping 9.3(8)',
      downloading: 0,
    },
    {
      what: 'a download the switch refuses',
      rules: [
        [
          '^copy http://\\S+/ztp/images/',
          'RAISE:ERROR: Copy failed: No space left on device',
        ],
      ] as Rules,
      reason:
        'copy http://127.0.0.1:7080/ztp/images/nxos64-cs.10.4.2.F.bin bootflash:nxos64-cs.10.4.2.F.bin vrf management: ERROR: Copy failed: No space left on device; keeping 9.3(8)',
    },
    {
      what: 'a corrupted download',
      rules: [
        ['sha256sum$', ['% No such file or directory', `${'ee'.repeat(32)}\n`]],
      ] as Rules,
      reason: `show file bootflash:nxos64-cs.10.4.2.F.bin sha256sum: ${'ee'.repeat(
        32,
      )}, not the approved ${SHA256}: the download is corrupted (deleted); keeping 9.3(8)`,
      deleted: true,
    },
    {
      what: 'an image the switch refuses to boot',
      rules: [['boot nxos', 'RAISE:ERROR: Image verification failed']] as Rules,
      reason:
        'configure terminal ; boot nxos bootflash:nxos64-cs.10.4.2.F.bin: ERROR: Image verification failed; keeping 9.3(8)',
      deleted: true,
    },
  ])(
    "reports $what in the switch's words as image-failed and goes on with the configuration on the old image",
    ({ rules, reason, deleted, downloading = 1 }) => {
      const run = runScript(imageScript(), switchRules(rules));
      expect(run.status).toBe(0);
      expect(run.reports).toEqual([
        'started',
        ...downloadReports.slice(0, downloading),
        `image-failed: ${reason}`,
        expect.stringMatching(/^staged: /),
      ]);
      expect(run.commands).not.toContain('copy running-config startup-config');
      expect(
        run.commands.includes(
          'delete bootflash:nxos64-cs.10.4.2.F.bin no-prompt',
        ),
      ).toBe(deleted === true);
      expect(run.commands).toContain(
        'copy bootflash:conf.FDO123 scheduled-config',
      );
    },
  );
});
