import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SimulatedDevice } from '../../device/SimulatedDevice';
import { simulatedImage } from '../../device/ImageFlash';
import { minimalConfig } from '../../__testUtils__/minimalConfigs';
import { Shell } from '../../__testUtils__/sshClient';

const FILE = 'EOS-4.32.0F.swi';
const IMAGE = simulatedImage(
  'arista-eos',
  '4.32.0F',
  Buffer.alloc(300_000, 'eos payload '),
);
const SHA256 = createHash('sha256').update(IMAGE).digest('hex');

/**
 * A ZeroTouch script as a switch receives it: every step through FastCli
 * (show version, dir flash:, copy, sha256sum through bash, boot system,
 * show boot-config), each output printed, then the configuration saved.
 */
function script(url: string, config: string): string {
  return `#!/usr/bin/env python3
import subprocess
def fastcli(commands):
    return subprocess.run(["FastCli", "-p", "15", "-c", "\\n".join(commands)],
        stdout=subprocess.PIPE, universal_newlines=True).stdout
for step in (["show version"], ["dir flash:"], ["copy ${url} flash:${FILE}"],
             ["bash timeout 600 sha256sum /mnt/flash/${FILE}"],
             ["configure", "boot system flash:${FILE}", "end"],
             ["show boot-config"]):
    print("STEP %s: %s" % (step[-2 if len(step) > 1 else 0], fastcli(step)))
out = fastcli(["configure"] + ${JSON.stringify(
    config.replace(/^end$/m, '').trim().split('\n'),
  )} + ["end", "copy running-config startup-config"])
print(out)
raise SystemExit(1 if "%" in out else 0)
`;
}

describe('EOS ZeroTouch script taking an image (FastCli on the simulated switch)', () => {
  let server: Server;
  let base: string;
  let body = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === `/images/${FILE}`) {
        res.writeHead(200, { 'Content-Length': IMAGE.length });
        res.end(IMAGE);
        return;
      }
      res.end(body);
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await new Promise(r => server.close(r));
  });

  async function run(ip: string, options: Record<string, unknown>) {
    const config = await minimalConfig('arista-eos', {
      hostname: 'leaf-03',
      username: 'u',
      password: 'S1mulated!pass',
      ip,
    });
    body = script(`${base}/images/${FILE}`, config);
    const device = new SimulatedDevice({
      name: 'leaf-03',
      platform: 'arista-eos',
      managementIp: ip,
      sshPort: 0,
      hostname: 'leaf-03',
      macAddress: '52:54:00:44:00:01',
      realSerial: 'JPE44000001',
      softwareVersion: '4.31.2F',
      provisioningUrl: base,
      fetchRetryMs: 20,
      rebootMs: 10,
      ...options,
    });
    await device.powerOn();
    await device.whenConfigured(20_000);
    const output = device.scripts.at(-1)!.output;
    const step = (name: string) =>
      new RegExp(`STEP ${name}: ([\\s\\S]*?)(?=\\nSTEP |$)`).exec(output)?.[1];
    return { device, output, step, ip };
  }

  /** Runs each line on the switch's CLI over SSH; their outputs. */
  async function cli(device: SimulatedDevice, ip: string, lines: string[]) {
    const shell = await Shell.open({
      host: ip,
      port: device.sshPort!,
      username: 'u',
      password: 'S1mulated!pass',
    });
    try {
      await shell.expect(/leaf-03[>#]\s*$/);
      const outputs: string[] = [];
      for (const line of lines) {
        outputs.push(await shell.run(line, /leaf-03[>#]\s*$/));
      }
      return outputs;
    } finally {
      shell.close();
    }
  }

  const showVersion = async (device: SimulatedDevice, ip: string) =>
    (await cli(device, ip, ['show version']))[0];

  it('downloads the bytes over HTTP, answers sha256sum from them, takes boot system, and the ZeroTouch reboot runs the new release', async () => {
    const { device, step, ip } = await run('127.44.0.11', {});
    try {
      expect(step('show version')).toMatch(
        /^Software image version: 4\.31\.2F$/m,
      );
      expect(step('dir flash:')).toMatch(/\(\d+ bytes free\)/);
      expect(step(`copy ${base}/images/${FILE} flash:${FILE}`)).toMatch(
        /Copy completed successfully\./,
      );
      expect(step(`bash timeout 600 sha256sum /mnt/flash/${FILE}`)).toBe(
        `${SHA256}  /mnt/flash/${FILE}\n`,
      );
      expect(step(`boot system flash:${FILE}`)).toBe('');
      expect(step('show boot-config')).toMatch(
        new RegExp(`^Software image: flash:/${FILE}$`, 'm'),
      );
      // ZeroTouch rebooted after exit 0: the boot-config image runs.
      expect(device.scripts.at(-1)!.exitCode).toBe(0);
      expect(device.softwareVersion).toBe('4.32.0F');
      expect(await showVersion(device, ip)).toMatch(
        /^Software image version: 4\.32\.0F$/m,
      );
    } finally {
      await device.powerOff();
    }
  });

  it('a corrupted download: sha256sum answers the corrupted bytes, boot system refuses it, and the switch keeps its release', async () => {
    const { device, step, ip } = await run('127.44.0.12', {
      corruptImageDownloads: true,
    });
    try {
      const summed = step(`bash timeout 600 sha256sum /mnt/flash/${FILE}`)!;
      expect(summed).toMatch(/^[0-9a-f]{64} {2}\/mnt\/flash\//);
      expect(summed).not.toContain(SHA256);
      expect(step(`boot system flash:${FILE}`)).toMatch(
        /^% Invalid software image: .*corrupted/,
      );
      expect(step('show boot-config')).toMatch(
        /^Software image: \(not set\)$/m,
      );
      expect(device.softwareVersion).toBe('4.31.2F');
      expect(await showVersion(device, ip)).toMatch(
        /^Software image version: 4\.31\.2F$/m,
      );
      // The refused file frees flash once deleted; a second delete fails.
      const [deleted, listing, again] = await cli(device, ip, [
        `delete flash:${FILE}`,
        'dir flash:',
        `delete flash:${FILE}`,
      ]);
      expect(deleted).not.toMatch(/%/);
      expect(listing).not.toContain(FILE);
      expect(again).toMatch(
        /% Error deleting flash:EOS-4\.32\.0F\.swi \(No such file or directory\)/,
      );
    } finally {
      await device.powerOff();
    }
  });

  it("a full flash: dir flash: shows too little room, the copy fails in the switch's words, and nothing is kept", async () => {
    const { device, step } = await run('127.44.0.13', {
      flashFreeBytes: 100_000,
    });
    try {
      expect(step('dir flash:')).toMatch(/\(100000 bytes free\)/);
      expect(step(`copy ${base}/images/${FILE} flash:${FILE}`)).toMatch(
        /^% Error copying .* \(No space left on device\)$/m,
      );
      expect(step(`bash timeout 600 sha256sum /mnt/flash/${FILE}`)).toBe(
        `sha256sum: /mnt/flash/${FILE}: No such file or directory\n`,
      );
      expect(step(`boot system flash:${FILE}`)).toMatch(/^% Error/);
      expect(device.softwareVersion).toBe('4.31.2F');
    } finally {
      await device.powerOff();
    }
  });
});
