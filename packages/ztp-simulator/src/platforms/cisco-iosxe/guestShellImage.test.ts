import { createHash } from 'node:crypto';
import { simulatedImage } from '../../device/ImageFlash';
import { SimulatedDevice } from '../../device/SimulatedDevice';
import { minimalConfig } from '../../__testUtils__/minimalConfigs';
import { startProvisioningServer } from '../../__testUtils__/provisioningServer';
import { execCommand } from '../../__testUtils__/sshClient';

const OLD = '17.06.05';
const NEW = '17.09.04a';
const FILE = 'cat9k_iosxe.17.09.04a.SPA.bin';
const IMAGE = simulatedImage(
  'cisco-iosxe',
  NEW,
  Buffer.alloc(200_000, 'iosxe payload '),
);
const MD5 = createHash('md5').update(IMAGE).digest('hex');

/**
 * A Guest Shell script written for these tests (the backend renders its
 * own): takes the image when "show version" is not the new release, then
 * applies the configuration. What each command answers is printed.
 */
function script(imageUrl: string, config: string, quiet = true): string {
  return `import re
import sys
import time

import cli

shown = cli.execute("show version")
version = re.search(r"^Cisco IOS XE Software, Version\\s+(\\S+)", shown, re.M).group(1)
print("VERSION " + version)
if version != "${NEW}":
${
  quiet ? '    cli.configure(["file prompt quiet"])\n' : ''
}    print("COPY " + cli.execute("copy ${imageUrl} flash:${FILE}"))
    print("VERIFY " + cli.execute("verify /md5 flash:${FILE} ${MD5}"))
    out = cli.execute("install add file flash:${FILE} activate commit prompt-level none")
    print("INSTALL " + out)
    sys.stdout.flush()
    if "SUCCESS" in out:
        time.sleep(30)
        print("STILL RUNNING AFTER THE INSTALL")
        sys.exit(3)
cli.configure(${JSON.stringify(config)})
print(cli.execute("write memory"))
`;
}

async function boot(
  ip: string,
  options: {
    corrupt?: boolean;
    freeBytes?: number;
    quiet?: boolean;
  } = {},
) {
  const config = await minimalConfig('cisco-iosxe', {
    hostname: 'edge-09',
    username: 'ztp-img',
    password: 'pw',
    ip,
  });
  let body = '';
  const server = await startProvisioningServer(request =>
    request.url.endsWith(`/${FILE}`)
      ? { status: 200, body: IMAGE.toString('latin1') }
      : { status: 200, body },
  );
  body = script(
    `${server.url}/ztp/images/${FILE}`,
    config,
    options.quiet ?? true,
  );
  const device = new SimulatedDevice({
    name: 'edge-09',
    platform: 'cisco-iosxe',
    managementIp: ip,
    sshPort: 0,
    macAddress: '52:54:00:43:00:09',
    hostname: 'edge-09',
    realSerial: 'FOC0000X009',
    softwareVersion: OLD,
    provisioningUrl: server.url,
    fetchRetryMs: 20,
    rebootMs: 300,
    corruptImageDownloads: options.corrupt === true,
    flashFreeBytes: options.freeBytes,
  });
  const states: string[] = [];
  device.on('state', s => states.push(s));
  await device.powerOn();
  return { device, server, states };
}

const scriptRuns = (device: SimulatedDevice) =>
  device.fetches.filter(f => !f.url.endsWith(FILE) && f.status === 200);

describe('IOS XE takes a software image from its Guest Shell ZTP script', () => {
  it('the install reloads the box: the script is killed, SSH stays down, ZTP starts over (DHCP, download) on the new release and configures it', async () => {
    const { device, server, states } = await boot('127.43.0.11');
    try {
      await device.whenConfigured(20_000);
      // The first run ended in the reload, the second configured the box.
      expect(device.scripts).toHaveLength(2);
      const [first, second] = device.scripts;
      expect(first.output).toContain(`VERSION ${OLD}`);
      expect(first.output).toMatch(
        new RegExp(`COPY [\\s\\S]*${IMAGE.length} bytes copied`),
      );
      expect(first.output).toContain(`Verified (flash:${FILE}) = ${MD5}`);
      expect(first.output).toMatch(/INSTALL [\s\S]*SUCCESS: Finished Commit/);
      expect(first.output).not.toContain('STILL RUNNING');
      expect(first.exitCode).not.toBe(0);
      expect(second.output).toContain(`VERSION ${NEW}`);
      expect(second.exitCode).toBe(0);
      expect(states).toEqual([
        'booting',
        'fetching',
        'off',
        'rebooting',
        'booting',
        'fetching',
        'configured',
      ]);
      // The agent asked the door again after the reload.
      expect(scriptRuns(device)).toHaveLength(2);
      // The image came over HTTP from the device's own address.
      const download = server.requests.find(r => r.url.endsWith(FILE))!;
      expect(download.remoteAddress).toBe('127.43.0.11');
      expect(device.softwareVersion).toBe(NEW);
      const shown = await execCommand(
        {
          host: '127.43.0.11',
          port: device.sshPort!,
          username: 'ztp-img',
          password: 'pw',
        },
        'show version',
      );
      expect(shown).toContain(`Cisco IOS XE Software, Version ${NEW}`);
    } finally {
      await device.powerOff();
      await server.close();
    }
  });

  it('a corrupted download fails "verify /md5" with the computed signature and the install refuses the file: the box keeps its release and is configured', async () => {
    const { device, server, states } = await boot('127.43.0.12', {
      corrupt: true,
    });
    try {
      await device.whenConfigured(20_000);
      expect(device.scripts).toHaveLength(1);
      const { output, exitCode } = device.scripts[0];
      expect(exitCode).toBe(0);
      expect(output).toMatch(
        new RegExp(
          `VERIFY [^\\n]*\\n?[\\s\\S]*%Error verifying flash:${FILE}\\nComputed signature\\s+= [0-9a-f]{32}\\nSubmitted signature\\s+= ${MD5}`,
        ),
      );
      expect(output).toMatch(
        /INSTALL [\s\S]*FAILED: install_add_activate_commit : Image verification failed: .*corrupted/,
      );
      expect(states).not.toContain('rebooting');
      expect(device.softwareVersion).toBe(OLD);
    } finally {
      await device.powerOff();
      await server.close();
    }
  });

  it('a full flash refuses the copy with "No space left on device": no image, no reload', async () => {
    const { device, server, states } = await boot('127.43.0.13', {
      freeBytes: 100_000,
    });
    try {
      await device.whenConfigured(20_000);
      const { output } = device.scripts[0];
      expect(output).toContain(
        `%Error copying ${server.url}/ztp/images/${FILE} (No space left on device)`,
      );
      expect(output).toContain(
        `%Error opening flash:${FILE} (No such file or directory)`,
      );
      expect(device.images.list()).toEqual([]);
      expect(states).not.toContain('rebooting');
      expect(device.softwareVersion).toBe(OLD);
    } finally {
      await device.powerOff();
      await server.close();
    }
  });

  it('without "file prompt quiet" the copy waits for a destination name nobody gives: nothing is copied', async () => {
    const { device, server } = await boot('127.43.0.14', { quiet: false });
    try {
      await device.whenConfigured(20_000);
      expect(server.requests.some(r => r.url.endsWith(FILE))).toBe(false);
      expect(device.images.list()).toEqual([]);
      expect(device.softwareVersion).toBe(OLD);
    } finally {
      await device.powerOff();
      await server.close();
    }
  });
});
