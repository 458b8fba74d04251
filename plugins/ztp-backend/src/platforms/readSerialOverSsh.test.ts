import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import { FakeDevice, FakeDeviceOptions } from '../ssh/__testUtils__/FakeDevice';
import { openDeviceCli } from '../ssh';
import {
  aristaEosDriver,
  ciscoIosXeDriver,
  ciscoNxosDriver,
  juniperJunosDriver,
  platformFixture,
} from '../__testUtils__/builtinPlatforms';

/*
 * Each driver through the real SSH client, against an ssh2 server that
 * prompts and pages the way the platform does (paging left on, so the
 * pager handling is exercised too).
 */

type Case = {
  driver: ZtpPlatformDriver;
  device: FakeDeviceOptions;
  serial: string;
};

const cases: Case[] = [
  {
    driver: ciscoIosXeDriver,
    serial: 'FGL2231A0BX',
    device: {
      prompt: 'isr-edge-01.branch#',
      pager: {
        lines: 10,
        prompt: ' --More-- ',
        erase: `${'\b'.repeat(9)}${' '.repeat(9)}${'\b'.repeat(9)}`,
        disabledBy: [],
      },
      commands: {
        'show inventory': platformFixture(
          'cisco-iosxe',
          'isr4451x-16.9-show-inventory.txt',
        ),
      },
    },
  },
  {
    driver: ciscoNxosDriver,
    serial: 'FGE20370ABC',
    device: {
      prompt: 'spine-1.dc2# ',
      pager: {
        lines: 12,
        prompt: '\x1b[7m--More--\x1b[27m',
        erase: '\r\x1b[K',
        disabledBy: [],
      },
      commands: {
        'show inventory': platformFixture(
          'cisco-nxos',
          'n9k-c9508-9.3-show-inventory-modular.txt',
        ),
      },
    },
  },
  {
    driver: aristaEosDriver,
    serial: 'JAS17100043',
    device: {
      prompt: 'core-7504.dc1#',
      pager: {
        lines: 15,
        prompt: ' --More-- ',
        erase: `\r${' '.repeat(10)}\r`,
        disabledBy: [],
      },
      commands: {
        'show version': platformFixture(
          'arista-eos',
          'dcs-7504n-4.22-show-version.txt',
        ),
        'show inventory': platformFixture(
          'arista-eos',
          'dcs-7504n-4.22-show-inventory-modular.txt',
        ),
      },
    },
  },
  {
    driver: juniperJunosDriver,
    serial: 'JN11E4A5BAFA',
    device: {
      prompt: 'ztp-admin@mx480-edge-01.lab> ',
      beforePrompt: ['', '{master}'],
      pager: {
        lines: 5,
        prompt: '---(more 42%)---',
        erase: `\r${' '.repeat(40)}\r`,
        disabledBy: [],
      },
      commands: {
        'show chassis hardware': platformFixture(
          'juniper-junos',
          'mx480-17.4-show-chassis-hardware.txt',
        ),
      },
    },
  },
];

const started: FakeDevice[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map(d => d.stop()));
});

describe.each(cases)('$driver.id over SSH', ({ driver, device, serial }) => {
  it('reads the chassis serial', async () => {
    const fake = new FakeDevice({ motd: 'Authorized access only', ...device });
    started.push(fake);
    await fake.start();
    const session = await openDeviceCli({
      host: '127.0.0.1',
      port: fake.port,
      username: 'ztp-admin',
      password: 'device-pass-1',
      algorithms: driver.sshAlgorithms,
      connectTimeoutMs: 500,
      deadlineMs: 5000,
      cli: driver.cli,
    });
    try {
      await expect(driver.readSerial(session.cli)).resolves.toBe(serial);
      expect(fake.commandsReceived[0]).toBe(driver.cli.setupCommands![0]);
      // The device paged (it ignores the setup command) and was answered.
      expect(fake.pagerStops).toBeGreaterThan(0);
    } finally {
      session.close();
    }
  });
});
