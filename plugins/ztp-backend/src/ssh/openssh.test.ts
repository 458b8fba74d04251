import { ciscoIosXeDriver } from '../__testUtils__/builtinPlatforms';
import { OpenSshServer, startOpenSshServer } from '../__testUtils__/sshd';
import { HostKeyMismatchError, SshAuthError } from './errors';
import { openDeviceCli, OpenDeviceCliOptions } from './openDeviceCli';

/*
 * The client against an SSH server that is not ours: OpenSSH's sshd with
 * password login, whose ForceCommand is a fake device CLI script.
 */

const iosXeDriverSerial = 'FOC2236Y1AB';
let server: OpenSshServer;

beforeAll(async () => {
  server = await startOpenSshServer({
    hostname: 'lab-sw1.example',
    serial: iosXeDriverSerial,
  });
}, 20_000);

afterAll(async () => {
  await server?.stop();
});

function options(
  overrides: Partial<OpenDeviceCliOptions> = {},
): OpenDeviceCliOptions {
  return {
    host: server.host,
    port: server.port,
    username: server.username,
    password: server.password,
    algorithms: ciscoIosXeDriver.sshAlgorithms,
    connectTimeoutMs: 1500,
    deadlineMs: 8000,
    cli: ciscoIosXeDriver.cli,
    ...overrides,
  };
}

describe('openDeviceCli against OpenSSH sshd', () => {
  it('logs in and reads the serial with the IOS XE driver', async () => {
    const session = await openDeviceCli(options());
    try {
      expect(session.hostKeyFingerprint).toBe(server.hostKeyFingerprint);
      await expect(ciscoIosXeDriver.readSerial(session.cli)).resolves.toBe(
        iosXeDriverSerial,
      );
    } finally {
      session.close();
    }
  });

  it('pages through long output when paging stays on', async () => {
    const session = await openDeviceCli(
      options({ cli: { ...ciscoIosXeDriver.cli, setupCommands: [] } }),
    );
    try {
      const inventory = await session.cli.run('show inventory');
      expect(inventory).not.toContain('More');
      expect(inventory).not.toContain('\b');
      expect(inventory).not.toContain('\r');
      expect(inventory.split('\n')).toEqual([
        'NAME: "c93xx Stack", DESCR: "c93xx Stack"',
        `PID: C9300-48P         , VID: V02  , SN: ${iosXeDriverSerial}`,
        '',
        'NAME: "Switch 1", DESCR: "C9300-48P"',
        `PID: C9300-48P         , VID: V02  , SN: ${iosXeDriverSerial}`,
        '',
        'NAME: "Switch 1 - Power Supply A", DESCR: "Switch 1 - Power Supply A"',
        'PID: PWR-C1-715WAC     , VID: V02  , SN: LIT22330AB1',
        '',
        'NAME: "Switch 1 FRU Uplink Module 1", DESCR: "8x10G Uplink Module"',
        'PID: C9300-NM-8X       , VID: V02  , SN: FOC22340R1S',
      ]);
      await expect(session.cli.run('show bogus')).resolves.toBe(
        "% Invalid input detected at '^' marker.",
      );
    } finally {
      session.close();
    }
  });

  it('is refused with a wrong password', async () => {
    const error = await openDeviceCli(
      options({ password: 'not-the-password' }),
    ).catch(e => e);
    expect(error).toBeInstanceOf(SshAuthError);
    expect(error.message).toContain(`user "${server.username}"`);
  });

  it('stops when the host key is not the recorded one', async () => {
    const error = await openDeviceCli(
      options({
        knownHostKey: 'SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU',
      }),
    ).catch(e => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect(error.presented).toBe(server.hostKeyFingerprint);
  });

  it('accepts the recorded host key in known_hosts form', async () => {
    const session = await openDeviceCli(
      options({ knownHostKey: server.hostPublicKey }),
    );
    session.close();
    expect(session.hostKeyFingerprint).toBe(server.hostKeyFingerprint);
  });
});
