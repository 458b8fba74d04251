import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { withPoapMd5 } from '../../__testUtils__/bootFiles';
import { minimalConfig } from '../../__testUtils__/minimalConfigs';
import { simulatedImage } from '../../device/ImageFlash';
import { SimulatedDevice } from '../../device/SimulatedDevice';
import { Shell } from '../../__testUtils__/sshClient';

jest.setTimeout(30_000);

const OLD = '9.3(8)';
const NEW = '10.4(2)';
const IMAGE = simulatedImage(
  'cisco-nxos',
  NEW,
  Buffer.alloc(200_000, 'nxos payload '),
);
const SHA256 = createHash('sha256').update(IMAGE).digest('hex');

/**
 * A POAP script as Cisco's reference one takes an image (copy over the
 * management VRF, the checksum read back on the switch, "boot nxos" and
 * "copy running-config startup-config"), then stages its configuration.
 */
function poapScript(url: string, extra = ''): string {
  return withPoapMd5(`#!/bin/env python3
from cli import cli
try:
    print(cli("copy ${url}/nxos.bin bootflash:nxos.bin vrf management"))
    print("SHA:" + cli("show file bootflash:nxos.bin sha256sum").strip())
    print(cli("configure terminal ; boot nxos bootflash:nxos.bin"))
    print(cli("copy running-config startup-config"))
except Exception as error:
    print("REFUSED:%s:%s" % (type(error).__name__, " ".join(str(error).split())))
${extra}
print(cli("copy ${url}/conf.cfg bootflash:conf.cfg vrf management"))
print(cli("copy bootflash:conf.cfg scheduled-config"))
`);
}

describe('NX-OS POAP taking a software image', () => {
  let server: http.Server;
  let url: string;
  let config: string;
  let extra = '';
  const imageRequests: string[] = [];
  let device: SimulatedDevice | undefined;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const name = (req.url ?? '').replace(/^.*\//, '');
      if (name === 'nxos.bin') {
        imageRequests.push(req.socket.remoteAddress ?? '');
        res.writeHead(200, { 'content-length': IMAGE.length });
        res.end(IMAGE);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(name === 'conf.cfg' ? config : poapScript(url, extra));
    });
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await device?.powerOff();
    device = undefined;
    extra = '';
    imageRequests.length = 0;
  });
  afterAll(() => new Promise(r => server.close(r)));

  async function boot(ip: string, behaviours: object = {}) {
    config = await minimalConfig('cisco-nxos', {
      hostname: 'leaf-img',
      username: 'u',
      password: 'p',
      ip,
    });
    device = new SimulatedDevice({
      name: 'leaf-img',
      platform: 'cisco-nxos',
      managementIp: ip,
      sshPort: 0,
      hostname: 'leaf-img',
      realSerial: 'FDO41000001',
      softwareVersion: OLD,
      provisioningUrl: url,
      fetchRetryMs: 20,
      rebootMs: 100,
      ...behaviours,
    });
    await device.powerOn();
    await device.whenConfigured(20_000);
    return device;
  }

  it('downloads the image from its own address, reads its SHA-256 from the received bytes, boots it at the end of POAP and replays the configuration on it', async () => {
    const d = await boot('127.41.0.21');
    expect(imageRequests).toEqual(['127.41.0.21']);
    const output = d.scripts[0].output;
    expect(output).toContain(`SHA:${SHA256}`);
    expect(output).toMatch(/Performing image verification/);
    expect(output).not.toMatch(/REFUSED/);
    expect(d.softwareVersion).toBe(NEW);
    expect(d.hostname).toBe('leaf-img');
    expect(d.runningConfig()).toMatch(/^boot nxos bootflash:nxos\.bin$/m);
    // What show version says over SSH, once the switch is back.
    const shell = await Shell.open({
      host: '127.41.0.21',
      port: d.sshPort!,
      username: 'u',
      password: 'p',
    });
    try {
      await shell.expect(/leaf-img# ?$/);
      await shell.run('terminal length 0', /leaf-img# ?$/);
      expect(await shell.run('show version', /leaf-img# ?$/)).toMatch(
        /NXOS: version 10\.4\(2\) /,
      );
    } finally {
      shell.close();
    }
  });

  it('refuses a corrupted download at "boot nxos" in its own words: the old release boots, with the configuration', async () => {
    extra = `print(cli("delete bootflash:nxos.bin no-prompt"))
print("LEFT:" + cli("dir bootflash:"))`;
    const d = await boot('127.41.0.22', { corruptImageDownloads: true });
    const output = d.scripts[0].output;
    expect(output).toMatch(/^SHA:[0-9a-f]{64}$/m);
    expect(output).not.toContain(`SHA:${SHA256}`);
    expect(output).toMatch(
      /^REFUSED:cli_execution_error:.*ERROR: Image verification failed: nxos\.bin failed the image signature check \(the file is corrupted\)$/m,
    );
    expect(output).not.toMatch(/LEFT:[\s\S]*nxos\.bin/);
    expect(d.images.get('nxos.bin')).toBeUndefined();
    expect(d.softwareVersion).toBe(OLD);
    expect(d.hostname).toBe('leaf-img');
    expect(d.runningConfig()).not.toMatch(/^boot nxos/m);
  });

  it('refuses the download when bootflash is full: nothing stored, the old release kept', async () => {
    const d = await boot('127.41.0.23', { flashFreeBytes: 100_000 });
    expect(d.scripts[0].output).toMatch(
      /^REFUSED:cli_execution_error:ERROR: Copy failed: No space left on device$/m,
    );
    expect(d.images.get('nxos.bin')).toBeUndefined();
    expect(d.softwareVersion).toBe(OLD);
    expect(d.hostname).toBe('leaf-img');
  });

  it('refuses "boot nxos" for a file bootflash does not have', async () => {
    extra = `try:
    cli("configure terminal ; boot nxos bootflash:missing.bin")
except Exception as error:
    print("MISSING:%s:%s" % (type(error).__name__, " ".join(str(error).split())))`;
    const d = await boot('127.41.0.24', { flashFreeBytes: 100_000 });
    expect(d.scripts[0].output).toMatch(
      /^MISSING:cli_execution_error:.*ERROR: bootflash:missing\.bin: No such file or directory$/m,
    );
  });
});
