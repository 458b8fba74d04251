import type { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  aristaEosDriver,
  ciscoNxosDriver,
  juniperJunosDriver,
} from './__testUtils__/builtinPlatforms';
import {
  startZtpTestBackend,
  type TestDeviceSpec,
  type ZtpTestBackend,
} from './__testUtils__/ztpTestBackend';

import { waitFor } from './__testUtils__/waitFor';

jest.setTimeout(120_000);

type Spec = TestDeviceSpec & {
  platform: 'cisco-nxos' | 'arista-eos' | 'juniper-junos';
  /** Free bytes on the device's flash (the simulator's default otherwise). */
  flashFreeBytes?: number;
};

// One factory-default box per platform whose minimal configuration carries
// a line the box refuses, each the way an engineer gets it wrong: a role
// NX-OS does not have, an EOS secret of the wrong hash type, a Junos login
// class that does not exist. What each box does with it is its own: EOS's
// startup-config load skips the line (so the account is missing and the
// login is refused), Junos refuses the whole commit (and ZTP asks again,
// never reaching SSH). The POAP script and the EOS box DHCP points at the
// ZeroTouch script see the refusal as it happens, and report it.
const specs: Spec[] = [
  // --- NX-OS (POAP) ---
  {
    name: 'nxos-badrole',
    platform: 'cisco-nxos',
    ip: '127.0.32.12',
    serial: 'FDO21120V1A',
    mac: '52:54:00:32:00:12',
  },
  // Its bootflash has room for the .md5 file, not for the configuration.
  {
    name: 'nxos-fullflash',
    platform: 'cisco-nxos',
    ip: '127.0.32.16',
    serial: 'FDO21120V1B',
    mac: '52:54:00:32:00:16',
    flashFreeBytes: 100,
  },
  // --- end NX-OS ---
  {
    name: 'eos-badsecret',
    platform: 'arista-eos',
    ip: '127.0.32.13',
    serial: 'JPE19251301',
    mac: '52:54:00:32:00:13',
  },
  {
    name: 'eos-script-badsecret',
    platform: 'arista-eos',
    ip: '127.0.32.15',
    serial: 'JPE19251315',
    mac: '52:54:00:32:00:15',
    bootFile: 'eos-525400320015.py',
  },
  {
    name: 'junos-badclass',
    platform: 'juniper-junos',
    ip: '127.0.32.14',
    serial: 'JN11D3F4EEFE',
    mac: '52:54:00:32:00:14',
  },
  // Junos with the ZTP script DHCP option 43.01 names: the script sees the
  // refused commit and reports it.
  {
    name: 'junos-script-badclass',
    platform: 'juniper-junos',
    ip: '127.0.32.41',
    serial: 'JN11D3F4EE41',
    mac: '52:54:00:32:00:41',
    bootFile: 'junos-525400320041.py',
  },
];

function withBrokenLine(template: string, from: string, to: string): string {
  if (!template.includes(from)) {
    throw new Error(`the template no longer has "${from}"`);
  }
  return template.replace(from, to);
}

describe('a minimal configuration the device refuses, per platform', () => {
  const devices = new Map<string, SimulatedDevice>();
  const refused = new Map<string, string[]>();
  let ztp: ZtpTestBackend;
  let dir: string;

  const deviceState = (name: string) => ztp.deviceState(name);
  const reasonOf = (name: string, pattern: RegExp) =>
    waitFor(
      async () => {
        const { device } = await deviceState(name);
        return pattern.test(device?.serial?.reason ?? '') ? device : undefined;
      },
      async () => ({
        backend: await deviceState(name),
        simulator: devices.get(name)!.state,
      }),
    );

  /** The device script's "failed: …" report, as the timeline holds it. */
  const failureReportOf = (name: string) =>
    waitFor(
      async () => {
        const { events } = await deviceState(name);
        return events.find((e: any) => e.type === 'bootstrap.failed');
      },
      async () => ({
        backend: await deviceState(name),
        simulator: devices.get(name)!.scripts,
      }),
    );

  /**
   * The device's first finished script. Its report reaches the door while
   * it runs, the serial check's outcome may come before it exits: the
   * simulator records it when the process has ended.
   */
  const firstScriptOf = (name: string) =>
    waitFor(
      async () => devices.get(name)!.scripts[0],
      async () => devices.get(name)!.state,
    );

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-refused-'));
    const templates = {
      'cisco-nxos': withBrokenLine(
        ciscoNxosDriver.minimalConfigTemplate,
        'role network-admin',
        'role network-admn',
      ),
      'arista-eos': withBrokenLine(
        aristaEosDriver.minimalConfigTemplate,
        'secret sha512',
        'secret 5',
      ),
      'juniper-junos': withBrokenLine(
        juniperJunosDriver.minimalConfigTemplate,
        'class super-user;',
        'class super-usr;',
      ),
    };
    const templateFiles: Record<string, { minimal: string }> = {};
    for (const [platform, text] of Object.entries(templates)) {
      const file = path.join(dir, `${platform}.njk`);
      fs.writeFileSync(file, text);
      templateFiles[platform] = { minimal: file };
    }
    ztp = await startZtpTestBackend({
      devices: specs,
      gateway: '127.0.32.1',
      ztp: { templates: templateFiles },
    });
    for (const s of specs) {
      const device = ztp.simulatedDevice(s, {
        flashFreeBytes: s.flashFreeBytes,
      });
      device.on('config-rejected', (errors: string[]) =>
        refused.set(s.name, errors),
      );
      devices.set(s.name, device);
      await device.powerOn();
    }
  });

  afterAll(async () => {
    await ztp?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // --- NX-OS (POAP) ---
  it('NX-OS: the POAP script tries the file on the switch, reports the refused line in the switch’s own words, and POAP starts over', async () => {
    const name = 'nxos-badrole';
    const failed = await failureReportOf(name);
    // The command the switch refused, its hash left out, and its words.
    expect(failed.message).toMatch(
      /^failed: username ztp-\w+ password 5 <removed> role network-admn: % Invalid command at '\^' marker\.$/,
    );
    expect(failed.message).not.toContain('$5$');
    const { events } = await deviceState(name);
    const messages = events.map((e: any) => `${e.type} ${e.message}`);
    expect(messages).toContain('bootstrap.progress script started');
    expect(
      messages.some((m: string) => m.includes('configuration staged')),
    ).toBe(false);
    // The script exited 1: nothing staged, no reboot, the trial rolled
    // back (the switch is as POAP found it), POAP asks for the script
    // again and SSH never answers.
    const device = await reasonOf(name, /^unreachable/);
    expect(device.confMin.state).toBe('loaded');
    expect(device.serial.state).toBe('not-checked');
    const simulated = devices.get(name)!;
    const script = await firstScriptOf(name);
    expect(script.exitCode).toBe(1);
    expect(script.output).toMatch(
      /POAP failed: username .*role network-admn: % Invalid command/,
    );
    expect(script.output).not.toContain('$5$');
    // Read as a later attempt ends: POAP starts over at once, and each
    // attempt's trial changes the switch while its script runs.
    const afterAttempt = await new Promise<{
      hostname: string;
      runningConfig: string;
      sshPort?: number;
    }>(resolve =>
      simulated.once('script-finished', () =>
        resolve({
          hostname: simulated.hostname,
          runningConfig: simulated.runningConfig(),
          sshPort: simulated.sshPort,
        }),
      ),
    );
    expect(simulated.scripts.length).toBeGreaterThan(1);
    expect(afterAttempt.hostname).toBe('switch');
    expect(afterAttempt.runningConfig).not.toMatch(/^username ztp-/m);
    expect(afterAttempt.sshPort).toBeUndefined();
    // The replay never happened: nothing was staged.
    expect(refused.get(name)).toBeUndefined();
  });

  it('NX-OS: a command that fails on the switch (cli() raises) is reported with what the switch said, not "None"', async () => {
    const name = 'nxos-fullflash';
    const failed = await failureReportOf(name);
    expect(failed.message).toMatch(
      /^failed: copy http:\/\/127\.0\.0\.1:\d+\/ztp\/boot\/conf\.FDO21120V1B bootflash:conf\.FDO21120V1B vrf management: ERROR: Copy failed: No space left on device$/,
    );
    expect(failed.message).not.toMatch(/None/);
    const script = await firstScriptOf(name);
    expect(script.exitCode).toBe(1);
    const device = await reasonOf(name, /^unreachable/);
    expect(device.serial.state).toBe('not-checked');
  });
  // --- end NX-OS ---

  it('EOS: the switch boots its startup-config without the refused account line, and the login is refused', async () => {
    const device = await reasonOf('eos-badsecret', /^authentication refused/);
    expect(device.confMin.state).toBe('loaded');
    expect(device.serial.state).toBe('not-checked');
    expect(refused.get('eos-badsecret')).toEqual([
      expect.stringMatching(
        /username ztp-\w+ privilege 15 .*secret 5 .*% Invalid/,
      ),
    ]);
    // It fetched once and came up: ZeroTouch does not read the file.
    expect(devices.get('eos-badsecret')!.fetches).toHaveLength(1);
    expect(devices.get('eos-badsecret')!.runningConfig()).toMatch(
      /^hostname eos-badsecret$/m,
    );
  });

  it('EOS with the ZeroTouch script: the timeline shows the refused line in the switch’s own words, and the switch stays in ZeroTouch', async () => {
    const name = 'eos-script-badsecret';
    const failed = await failureReportOf(name);
    // The CLI's own error, for the line it refused; the hash left out.
    expect(failed.message).toMatch(
      /^failed: username ztp-\w+ privilege 15 role network-admin secret 5 <removed>: % Invalid input$/,
    );
    expect(failed.message).not.toContain('$6$');
    const { events } = await deviceState(name);
    const messages = events.map((e: any) => `${e.type} ${e.message}`);
    expect(messages).toContain('bootstrap.progress script started');
    expect(messages).not.toContain('bootstrap.progress configuration applied');
    // The script exited 1: no reboot, ZeroTouch starts over, SSH never
    // answers.
    const device = await reasonOf(name, /^unreachable/);
    expect(device.confMin.state).toBe('loaded');
    expect(device.serial.state).toBe('not-checked');
    const simulated = devices.get(name)!;
    const script = await firstScriptOf(name);
    expect(script.exitCode).toBe(1);
    expect(script.output).toMatch(
      /ZeroTouch script failed: username .*% Invalid input/,
    );
    expect(simulated.sshPort).toBeUndefined();
    expect(simulated.fetches[0].url).toBe(
      `${simulated.fetches[0].url.replace(
        /\/ztp\/.*$/,
        '',
      )}/ztp/boot/eos-525400320015.py`,
    );
  });

  it('Junos with the ZTP script: the timeline shows the refused commit in Junos’s own words, and ZTP starts over', async () => {
    const name = 'junos-script-badclass';
    const failed = await failureReportOf(name);
    expect(failed.message).toMatch(
      /^failed: \[edit system login user ztp-\w+\]\n'class super-usr'\nReferenced class 'super-usr' is not defined\nerror: configuration check-out failed$/,
    );
    expect(failed.message).not.toContain('$6$');
    const { events } = await deviceState(name);
    const messages = events.map((e: any) => `${e.type} ${e.message}`);
    expect(messages).toContain('bootstrap.progress script started');
    expect(messages).not.toContain('bootstrap.progress configuration applied');
    // The script exited 1: ZTP asks again, the box never answers SSH.
    const device = await reasonOf(name, /^unreachable/);
    expect(device.confMin.state).toBe('loaded');
    expect(device.serial.state).toBe('not-checked');
    const simulated = devices.get(name)!;
    const script = await firstScriptOf(name);
    expect(script.exitCode).toBe(1);
    expect(script.output).toMatch(
      /ZTP script failed: [\s\S]*Referenced class 'super-usr' is not defined/,
    );
    expect(simulated.sshPort).toBeUndefined();
    await waitFor(
      async () => (simulated.fetches.length > 1 ? true : undefined),
      async () => simulated.fetches,
    );
    expect(new URL(simulated.fetches[1].url).pathname).toBe(
      '/ztp/boot/junos-525400320041.py',
    );
  });

  it('Junos: the commit is refused with its own error, ZTP asks again, and SSH never answers', async () => {
    const device = await reasonOf('junos-badclass', /^unreachable/);
    expect(device.serial.state).toBe('not-checked');
    expect(refused.get('junos-badclass')!.join('\n')).toMatch(
      /Referenced class 'super-usr' is not defined/,
    );
    // The door sees the same box ask again and again.
    const again = await waitFor(
      async () => {
        const { device: d } = await deviceState('junos-badclass');
        return d.confMin.fetchCount > 1 ? d : undefined;
      },
      () => deviceState('junos-badclass'),
    );
    expect(again.confMin.state).toBe('loaded');
    expect(devices.get('junos-badclass')!.state).toBe('fetching');
  });
});
