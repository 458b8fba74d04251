import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bootFileFor } from '../__testUtils__/bootFiles';
import { minimalConfig } from '../__testUtils__/minimalConfigs';
import { startProvisioningServer } from '../__testUtils__/provisioningServer';
import { execCommand } from '../__testUtils__/sshClient';
import { readCatalogDevices } from './readCatalog';
import { readOverrides } from './readOverrides';
import { startFleet } from './startFleet';

function device(name: string, annotations: Record<string, string>): string {
  const lines = Object.entries(annotations).map(
    ([k, v]) => `    ztp.network/${k}: '${v}'`,
  );
  return `apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: ${name}
  annotations:
${lines.join('\n')}
spec:
  type: network-device
  owner: group:default/network
`;
}

describe('fleet', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ztp-sim-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads network devices from catalog files and says what it skips', async () => {
    await writeFile(
      join(dir, 'devices.yaml'),
      [
        device('leaf-a', {
          'serial-number': 'FOC1',
          platform: 'cisco-iosxe',
          'management-address': '127.0.46.11/24',
          'mac-address': 'AA-BB-CC-00-11-22',
          'ssh-port': '2222',
        }),
        device('far-away', {
          'serial-number': 'X',
          platform: 'cisco-iosxe',
          'management-address': '198.18.1.1/24',
          hostname: 'far',
        }),
        device('nameless', {
          'serial-number': 'Y',
          platform: 'arista-eos',
          'management-address': '127.0.46.12/24',
        }),
        device('odd', {
          'serial-number': 'Z',
          platform: 'vendor-x',
          'management-address': '127.0.46.13/24',
          hostname: 'odd',
        }),
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: app\nspec:\n  type: service\n',
      ].join('---\n'),
    );
    await writeFile(
      join(dir, 'catalog-info.yaml'),
      'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: lab\nspec:\n  targets:\n    - ./devices.yaml\n',
    );
    const { devices, problems } = await readCatalogDevices([
      join(dir, 'catalog-info.yaml'),
    ]);
    expect(devices).toEqual([
      expect.objectContaining({
        name: 'leaf-a',
        platform: 'cisco-iosxe',
        managementIp: '127.0.46.11',
        prefixLength: 24,
        macAddress: 'aa:bb:cc:00:11:22',
        sshPort: 2222,
        declaredSerial: 'FOC1',
      }),
    ]);
    expect(problems).toEqual([
      expect.stringMatching(/far-away: .*outside 127\.0\.0\.0\/8/),
      expect.stringMatching(
        /nameless: needs ztp.network\/mac-address or ztp.network\/hostname/,
      ),
      expect.stringMatching(/odd: ztp.network\/platform "vendor-x"/),
    ]);
  });

  it('reads overrides and refuses unknown keys or wrong types', async () => {
    const good = join(dir, 'good.yaml');
    await writeFile(
      good,
      'devices:\n  leaf-a:\n    realSerial: FOC9\n    slowMs: 200\n    shellOnly: true\n',
    );
    expect(await readOverrides(good)).toEqual({
      'leaf-a': { realSerial: 'FOC9', slowMs: 200, shellOnly: true },
    });
    const typo = join(dir, 'typo.yaml');
    await writeFile(typo, 'devices:\n  leaf-a:\n    realserial: FOC9\n');
    await expect(readOverrides(typo)).rejects.toThrow(
      /devices.leaf-a.realserial is not a known override/,
    );
    const wrongType = join(dir, 'type.yaml');
    await writeFile(wrongType, 'devices:\n  leaf-a:\n    slowMs: fast\n');
    await expect(readOverrides(wrongType)).rejects.toThrow(
      /slowMs must be a number/,
    );
  });

  it('waits for the device door quietly: says so once, not per refused retry', async () => {
    const catalog = join(dir, 'door-wait.yaml');
    await writeFile(
      catalog,
      [
        device('w-ios', {
          'serial-number': 'FOC2148Z0AC',
          platform: 'cisco-iosxe',
          'management-address': '127.0.46.31/24',
          'mac-address': '52:54:00:46:00:31',
          hostname: 'w-ios',
        }),
        device('w-eos', {
          'serial-number': 'JPE2',
          platform: 'arista-eos',
          'management-address': '127.0.46.32/24',
          hostname: 'w-eos',
        }),
      ].join('---\n'),
    );
    // A port nobody listens on: the door of a backend still starting.
    const closed = await startProvisioningServer(() => ({
      status: 404,
      body: '',
    }));
    const url = closed.url;
    await closed.close();
    const overrides = join(dir, 'door-wait-overrides.yaml');
    await writeFile(
      overrides,
      'devices:\n  w-ios:\n    bootDelayMs: 0\n  w-eos:\n    bootDelayMs: 0\n',
    );
    const lines: string[] = [];
    const fleet = await startFleet({
      catalogFiles: [catalog],
      overridesFile: overrides,
      provisioningUrl: url,
      fetchRetryMs: 20,
      log: line => lines.push(line),
    });
    try {
      const refused = () =>
        fleet.devices.flatMap(d =>
          d.fetches.filter(f => /ECONNREFUSED/.test(f.error ?? '')),
        ).length;
      for (let i = 0; i < 100 && refused() < 6; i++) {
        await new Promise(r => setTimeout(r, 50));
      }
      expect(refused()).toBeGreaterThanOrEqual(6);
      expect(lines.filter(l => /ECONNREFUSED/.test(l))).toEqual([]);
      expect(
        lines.filter(l => l.includes(`waiting for the device door at ${url}`)),
      ).toHaveLength(1);
    } finally {
      await fleet.stop();
    }
  });

  it('starts the devices, applies overrides and reports on the status endpoint', async () => {
    const catalog = join(dir, 'fleet.yaml');
    await writeFile(
      catalog,
      [
        device('f-ios', {
          'serial-number': 'FOC2148Z0AB',
          platform: 'cisco-iosxe',
          'management-address': '127.0.46.21/24',
          'mac-address': '52:54:00:46:00:21',
          hostname: 'f-ios',
        }),
        device('f-junos', {
          'serial-number': 'TEMP-0001',
          platform: 'juniper-junos',
          'management-address': '127.0.46.22/24',
          hostname: 'f-junos',
        }),
        device('f-eos', {
          'serial-number': 'JPE1',
          platform: 'arista-eos',
          'management-address': '127.0.46.23/24',
          hostname: 'f-eos',
        }),
      ].join('---\n'),
    );
    const overrides = join(dir, 'fleet-overrides.yaml');
    await writeFile(
      overrides,
      'devices:\n  f-ios:\n    sshPort: 0\n    bootDelayMs: 0\n  f-junos:\n    sshPort: 0\n    realSerial: WS3718010123\n    bootDelayMs: 0\n',
    );
    const configs = new Map([
      [
        '/ztp/boot/ztp-525400460021.py',
        bootFileFor(
          'cisco-iosxe',
          await minimalConfig('cisco-iosxe', {
            hostname: 'f-ios',
            username: 'u1',
            password: 'p1',
            ip: '127.0.46.21',
          }),
          '',
        ).script,
      ],
      [
        '/ztp/boot/junos-f-junos.conf',
        await minimalConfig('juniper-junos', {
          hostname: 'f-junos',
          username: 'u2',
          password: 'p2',
          ip: '127.0.46.22',
        }),
      ],
    ]);
    const server = await startProvisioningServer(req => {
      const body = configs.get(req.url);
      return body
        ? { status: 200, body }
        : { status: 404, body: 'unknown device' };
    });
    const lines: string[] = [];
    const fleet = await startFleet({
      catalogFiles: [catalog],
      overridesFile: overrides,
      provisioningUrl: server.url,
      only: ['f-ios', 'f-junos'],
      statusPort: 0,
      fetchRetryMs: 20,
      log: line => lines.push(line),
    });
    try {
      expect(fleet.devices.map(d => d.name)).toEqual(['f-ios', 'f-junos']);
      await Promise.all(fleet.devices.map(d => d.whenConfigured(10_000)));
      const [ios, junos] = fleet.devices;
      expect(junos.realSerial).toBe('WS3718010123');
      const hardware = await execCommand(
        {
          host: '127.0.46.22',
          port: junos.sshPort!,
          username: 'u2',
          password: 'p2',
        },
        'show chassis hardware',
      );
      expect(hardware).toMatch(/^Chassis\s+WS3718010123\s+QFX5120-48Y-8C$/m);
      await expect(
        execCommand(
          {
            host: '127.0.46.22',
            port: junos.sshPort!,
            username: 'u2',
            password: 'not-p2',
          },
          'show version',
        ),
      ).rejects.toThrow();

      const status = await (await fetch(`${fleet.statusUrl}/devices`)).json();
      expect(status).toEqual([
        expect.objectContaining({
          name: 'f-ios',
          state: 'configured',
          realSerial: 'FOC2148Z0AB',
          sshPort: ios.sshPort,
          managementIp: '127.0.46.21',
          logins: 0,
          refusedLogins: 0,
        }),
        expect.objectContaining({
          name: 'f-junos',
          state: 'configured',
          realSerial: 'WS3718010123',
          hostname: 'f-junos',
          // The one session above; the wrong password is counted apart.
          logins: 1,
          refusedLogins: 1,
        }),
      ]);
      expect(
        (await fetch(`${fleet.statusUrl}/devices`, { method: 'POST' })).status,
      ).toBe(405);
      expect(lines).toContainEqual(
        expect.stringMatching(/f-ios \(cisco-iosxe 127\.0\.46\.21\): booting$/),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(
          /f-junos \(juniper-junos 127\.0\.46\.22\): configured$/,
        ),
      );
      expect(lines).toContainEqual(
        expect.stringMatching(/f-ios .*GET .*ztp-525400460021\.py -> 200/),
      );
    } finally {
      await fleet.stop();
      await server.close();
    }
    expect(fleet.devices.every(d => d.state === 'off')).toBe(true);
  });

  it('runs as a command through the bin script', async () => {
    const bin = resolve(__dirname, '../../bin/ztp-simulator');
    const result = await new Promise<{ code: number; stdout: string }>(done => {
      execFile(
        process.execPath,
        [bin, '--help'],
        { timeout: 30_000 },
        (error, stdout) =>
          done({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      );
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: ztp-simulator --catalog <file>');
    expect(result.stdout).toContain(
      '--provisioning-url <url>   Default http://127.0.0.1:7080',
    );
    expect(result.stdout).toContain(
      '--script-slots <n>         Device scripts run at once, default 64',
    );
  }, 40_000);
});
