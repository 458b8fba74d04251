import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { bootDevice, type BootedDevice } from '../__testUtils__/bootDevice';
import { Shell } from '../__testUtils__/sshClient';
import type { PlatformId } from '../platforms/types';
import { simulatedImage } from './ImageFlash';

jest.setTimeout(60_000);

type Case = {
  platform: PlatformId;
  ip: string;
  newVersion: string;
  versionLine: (v: string) => RegExp;
  /** Runs the download; returns its output. */
  copy: (shell: Shell, url: string, file: string) => Promise<string>;
  copied: RegExp;
  noSpace: RegExp;
  checksum: (file: string) => string;
  digest: 'sha256' | 'md5';
  install: (shell: Shell, file: string) => Promise<string>;
  refused: RegExp;
};

const prompt = (hostname: string) =>
  new RegExp(`${hostname}(?:\\([^)]*\\))?[#>] ?$`);

const cases: Case[] = [
  {
    platform: 'cisco-iosxe',
    ip: '127.0.46.11',
    newVersion: '17.12.03',
    versionLine: v => new RegExp(`^Cisco IOS XE Software, Version ${v}$`, 'm'),
    copy: async (shell, url, file) => {
      await shell.run(
        `copy ${url} flash:${file}`,
        /Destination filename \[[^\]]*\]\? $/,
      );
      return shell.run('', prompt('leaf-01'), 20_000);
    },
    copied: /bytes copied in/,
    noSpace: /%Error copying .* \(No space left on device\)/,
    checksum: file => `verify /md5 flash:${file}`,
    digest: 'md5',
    install: (shell, file) =>
      shell.run(
        `install add file flash:${file} activate commit prompt-level none`,
        /reloading|FAILED[^\n]*\n[\s\S]*leaf-01#/,
      ),
    refused: /FAILED: install_add_activate_commit : Image verification failed/,
  },
  {
    platform: 'cisco-nxos',
    ip: '127.0.46.12',
    newVersion: '10.4(2)',
    versionLine: v =>
      new RegExp(`NXOS: version ${v.replace(/[()]/g, '\\$&')} `, 'm'),
    copy: (shell, url, file) =>
      shell.run(
        `copy ${url} bootflash:${file} vrf management`,
        prompt('leaf-02'),
        20_000,
      ),
    copied: /Copy complete\./,
    noSpace: /ERROR: Copy failed: No space left on device/,
    checksum: file => `show file bootflash:${file} sha256sum`,
    digest: 'sha256',
    install: (shell, file) =>
      shell.run(
        `install all nxos bootflash:${file} non-interruptive`,
        /reboot in 10 seconds|Pre-upgrade check failed[\s\S]*leaf-02#/,
      ),
    refused: /Image verification failed/,
  },
  {
    platform: 'arista-eos',
    ip: '127.0.46.13',
    newVersion: '4.32.0F',
    versionLine: v => new RegExp(`^Software image version: ${v}$`, 'm'),
    copy: (shell, url, file) =>
      shell.run(`copy ${url} flash:${file}`, prompt('leaf-03'), 20_000),
    copied: /Copy completed successfully/,
    noSpace: /% Error copying .* \(No space left on device\)/,
    checksum: file => `bash timeout 60 sha256sum /mnt/flash/${file}`,
    digest: 'sha256',
    install: async (shell, file) => {
      await shell.run('configure', prompt('leaf-03'));
      const boot = await shell.run(
        `boot system flash:${file}`,
        prompt('leaf-03'),
      );
      await shell.run('end', prompt('leaf-03'));
      if (/%/.test(boot)) return boot;
      shell.send('reload now\r');
      await shell.waitClosed(10_000);
      return 'reloaded';
    },
    refused: /% Invalid software image: .*corrupted/,
  },
  {
    platform: 'juniper-junos',
    ip: '127.0.46.14',
    newVersion: '23.2R1.13',
    versionLine: v => new RegExp(`^Junos: ${v}$`, 'm'),
    copy: (shell, url, file) =>
      shell.run(`file copy ${url} /var/tmp/${file}`, prompt('edge-01'), 20_000),
    copied: /100% of/,
    noSpace: /No space left on device/,
    checksum: file => `file checksum sha-256 /var/tmp/${file}`,
    digest: 'sha256',
    install: (shell, file) =>
      shell.run(
        `request system software add /var/tmp/${file} no-copy reboot`,
        /Shutdown NOW!|ERROR: Failed to add[\s\S]*edge-01> /,
      ),
    refused: /ERROR: Package signature validation failed/,
  },
];

describe.each(cases)('$platform software images', c => {
  const file = `image-${c.newVersion.replace(/[()]/g, '_')}.bin`;
  const image = simulatedImage(
    c.platform,
    c.newVersion,
    Buffer.alloc(300_000, `${c.platform} payload `),
  );
  const digest = createHash(c.digest).update(image).digest('hex');
  let server: http.Server;
  let url: string;
  let booted: BootedDevice | undefined;

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-length': image.length });
      res.end(image);
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/ztp/images/${file}`;
  });
  afterEach(async () => {
    await booted?.stop();
    booted = undefined;
  });
  afterAll(() => new Promise(r => server.close(r)));

  const open = async (options: Parameters<typeof bootDevice>[2] = {}) => {
    booted = await bootDevice(c.platform, c.ip, {
      realSerial: 'SIMSERIAL01',
      rebootMs: 300,
      ...options,
    });
    const shell = await Shell.open(booted.login);
    await shell.expect(prompt(booted.hostname));
    await shell.run(
      c.platform === 'juniper-junos'
        ? 'set cli screen-length 0'
        : 'terminal length 0',
      prompt(booted.hostname),
    );
    return shell;
  };

  it('downloads the image over HTTP, computes its real checksum, installs it, reboots (SSH down) and comes back running it', async () => {
    const shell = await open();
    expect(await c.copy(shell, url, file)).toMatch(c.copied);
    const sum = await shell.run(c.checksum(file), prompt(booted!.hostname));
    expect(sum).toContain(digest);
    await c.install(shell, file);
    await shell.waitClosed(10_000);
    await booted!.device.whenState('rebooting', 5_000);
    await booted!.device.whenConfigured(15_000);
    const again = await Shell.open(booted!.login);
    await again.expect(prompt(booted!.hostname));
    await again.run(
      c.platform === 'juniper-junos'
        ? 'set cli screen-length 0'
        : 'terminal length 0',
      prompt(booted!.hostname),
    );
    const version = await again.run('show version', prompt(booted!.hostname));
    expect(version).toMatch(c.versionLine(c.newVersion));
    again.close();
  });

  it('with a corrupted download: another checksum, the install refused, the old release kept', async () => {
    const shell = await open({ corruptImageDownloads: true });
    expect(await c.copy(shell, url, file)).toMatch(c.copied);
    const sum = await shell.run(c.checksum(file), prompt(booted!.hostname));
    expect(sum).not.toContain(digest);
    expect(sum).toMatch(/[0-9a-f]{32,}/);
    expect(await c.install(shell, file)).toMatch(c.refused);
    const version = await shell.run('show version', prompt(booted!.hostname));
    expect(version).not.toMatch(c.versionLine(c.newVersion));
    expect(booted!.device.state).toBe('configured');
    shell.close();
  });

  it('with a full flash: the download fails and nothing is stored', async () => {
    const shell = await open({ flashFreeBytes: 100_000 });
    expect(await c.copy(shell, url, file)).toMatch(c.noSpace);
    expect(booted!.device.images.get(file)).toBeUndefined();
    shell.close();
  });
});
