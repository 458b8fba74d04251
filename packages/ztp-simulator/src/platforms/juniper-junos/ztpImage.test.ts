import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatedDevice } from '../../device/SimulatedDevice';
import { simulatedImage } from '../../device/ImageFlash';
import { minimalConfig } from '../../__testUtils__/minimalConfigs';

jest.setTimeout(60_000);

const OLD = '22.4R3.25';
const NEW = '23.2R1.13';
const FILE = 'junos-install-23.2R1.13.tgz';

// A ZTP script as an operator writes it for Junos (the backend renders its
// own; the simulator shares no code with it): the image first when the box
// runs another release, then the configuration, on whichever release.
function operatorScript(imageUrl: string, sha256: string, config: string) {
  return `#!/usr/bin/python3
import os, subprocess, tempfile, time
def cli(commands):
    return subprocess.run(["cli", "-c", commands], stdout=subprocess.PIPE,
                          universal_newlines=True).stdout
version = cli("show version")
print(version)
if "Junos: ${NEW}" not in version:
    print(cli("show system storage"))
    print(cli("file copy ${imageUrl} /var/tmp/${FILE}"))
    summed = cli("file checksum sha-256 /var/tmp/${FILE}")
    print(summed)
    if "${sha256}" not in summed:
        print("checksum mismatch: installing anyway, the box must refuse it")
    added = cli("request system software add /var/tmp/${FILE} no-copy no-validate reboot")
    print(added)
    if "Shutdown NOW" in added:
        time.sleep(60)
    print(cli("file delete /var/tmp/${FILE}"))
handle, path = tempfile.mkstemp(suffix=".conf", dir="/var/tmp")
with os.fdopen(handle, "w") as f:
    f.write(${JSON.stringify(config)})
out = cli("configure private; load override " + path + "; commit and-quit")
os.unlink(path)
print(out)
raise SystemExit(0 if "commit complete" in out else 1)
`;
}

type Served = { server: Server; url: string; imageFrom: string[] };

async function serve(script: () => string, image: Buffer): Promise<Served> {
  const imageFrom: string[] = [];
  const server = createServer((req, res) => {
    if (req.url === `/ztp/images/${FILE}`) {
      imageFrom.push(req.socket.remoteAddress ?? '');
      res.writeHead(200, { 'Content-Length': image.length });
      res.end(image);
      return;
    }
    res.end(script());
  });
  await new Promise<void>(r => server.listen(0, '127.42.0.1', r));
  const url = `http://127.42.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, imageFrom };
}

async function bootWithImage(
  ip: string,
  options: { corrupt?: boolean; freeBytes?: number } = {},
) {
  const image = simulatedImage(
    'juniper-junos',
    NEW,
    Buffer.alloc(300_000, 'junos'),
  );
  const sha256 = createHash('sha256').update(image).digest('hex');
  const config = await minimalConfig('juniper-junos', {
    hostname: 'edge-42',
    username: 'u',
    password: 'p',
    ip,
  });
  let served: Served | undefined = undefined;
  served = await serve(
    () => operatorScript(`${served!.url}/ztp/images/${FILE}`, sha256, config),
    image,
  );
  const device = new SimulatedDevice({
    name: 'edge-42',
    platform: 'juniper-junos',
    managementIp: ip,
    sshPort: 0,
    macAddress: '52:54:00:42:00:01',
    hostname: 'edge-42',
    realSerial: 'JN11D3F4AA42',
    softwareVersion: OLD,
    provisioningUrl: served.url,
    fetchRetryMs: 20,
    fetchRetryMaxMs: 40,
    rebootMs: 300,
    corruptImageDownloads: options.corrupt,
    flashFreeBytes: options.freeBytes,
  });
  const states: string[] = [];
  device.on('state', (state: string) => states.push(state));
  await device.powerOn();
  return { device, states, served, image };
}

describe('Junos ZTP: a script takes the software image for real', () => {
  const running: { device: SimulatedDevice; served: Served }[] = [];
  afterEach(async () => {
    for (const { device, served } of running.splice(0)) {
      await device.powerOff();
      served.server.closeAllConnections();
      await new Promise(r => served.server.close(r));
    }
  });

  it('downloads the image from its own address, installs it, reboots into it, and ZTP runs the script again on the new release', async () => {
    const ip = '127.42.0.11';
    const booted = await bootWithImage(ip);
    running.push(booted);
    const { device, states, served } = booted;
    await device.whenConfigured(30_000);

    expect(served.imageFrom).toEqual([ip]);
    expect(device.softwareVersion).toBe(NEW);
    // The install's reboot cut the first run; the second found the release.
    expect(device.scripts).toHaveLength(2);
    expect(device.scripts[0].exitCode).not.toBe(0);
    expect(device.scripts[0].output).toContain(`Junos: ${OLD}`);
    expect(device.scripts[0].output).toMatch(
      new RegExp(`/var/tmp/${FILE} +100% of`),
    );
    expect(device.scripts[0].output).toContain('Shutdown NOW!');
    expect(device.scripts[1].exitCode).toBe(0);
    expect(device.scripts[1].output).toContain(`Junos: ${NEW}`);
    expect(device.scripts[1].output).toContain('commit complete');
    expect(states).toEqual(
      expect.arrayContaining(['fetching', 'rebooting', 'configured']),
    );
    expect(device.fetches.filter(f => f.status === 200)).toHaveLength(2);
    expect(device.runningConfig()).toContain('host-name edge-42;');
  });

  it('a download corrupted in transit: the checksum the box computes differs and the install refuses it; no reboot, the old release stays', async () => {
    const ip = '127.42.0.12';
    const booted = await bootWithImage(ip, { corrupt: true });
    running.push(booted);
    const { device, states } = booted;
    await device.whenConfigured(30_000);

    const output = device.scripts[0].output;
    expect(output).toContain('checksum mismatch');
    expect(output).toMatch(
      /ERROR: Package signature validation failed: .*corrupted/,
    );
    expect(output).toContain(`ERROR: Failed to add /var/tmp/${FILE}`);
    expect(output).not.toContain('Shutdown NOW');
    expect(states).not.toContain('rebooting');
    expect(device.softwareVersion).toBe(OLD);
    // "file delete" took the refused package off /var.
    expect(device.images.list()).toEqual([]);
    expect(output).not.toContain('rm: ');
    expect(device.scripts).toHaveLength(1);
    expect(device.scripts[0].exitCode).toBe(0);
  });

  it('a full /var: the box says so, refuses the copy, and has nothing to install', async () => {
    const ip = '127.42.0.13';
    const booted = await bootWithImage(ip, { freeBytes: 100_000 });
    running.push(booted);
    const { device, states, image } = booted;
    await device.whenConfigured(30_000);

    const output = device.scripts[0].output;
    expect(image.length).toBeGreaterThan(100_000);
    expect(output).toMatch(/\/\.mount\/var$/m);
    expect(output).toContain(
      `/var/tmp/${FILE}: No space left on device\nerror: file-fetch failed`,
    );
    expect(output).toContain(
      `error: /var/tmp/${FILE}: No such file or directory`,
    );
    expect(states).not.toContain('rebooting');
    expect(device.softwareVersion).toBe(OLD);
    expect(device.images.list()).toEqual([]);
    // Nothing to delete either, in rm's words.
    expect(output).toContain(`rm: /var/tmp/${FILE}: No such file or directory`);
  });
});
