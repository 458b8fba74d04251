import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import { CredentialVault } from '../credentials/CredentialVault';
import type { DeviceRecord } from '../database/types';
import { openDeviceCli } from '../ssh';
import { FakeDevice } from '../ssh/__testUtils__/FakeDevice';
import {
  managementNetworkRefusal,
  openQueuedDeviceSession,
  OutsideManagementNetworksError,
} from './openQueuedDeviceSession';

const vault = new CredentialVault('device-session-test-key-123');

const driver = {
  id: 'test-os',
  displayName: 'Test OS',
  cli: { promptPattern: /^leaf-01#\s*$/ },
} as unknown as ZtpPlatformDriver;

function queued(port: number, managementIp = '127.0.0.1') {
  return {
    entityRef: 'resource:default/leaf-01',
    managementIp,
    sshPort: port,
    localUsername: 'ztp-abc123',
    localPasswordEnc: vault.encrypt(
      'device-pass-1',
      'resource:default/leaf-01',
    ),
    hostKeyFingerprint: undefined,
  } as unknown as DeviceRecord;
}

const settings = {
  connectTimeoutMs: 5000,
  deadlineMs: 10_000,
  managementNetworks: ['127.0.0.0/8'],
};

describe('openQueuedDeviceSession', () => {
  const devices: FakeDevice[] = [];
  afterEach(async () => {
    await Promise.all(devices.splice(0).map(d => d.stop()));
  });

  async function device(prompt = 'leaf-01#') {
    const d = new FakeDevice({
      username: 'ztp-abc123',
      password: 'device-pass-1',
      prompt,
      commands: { 'show serial': 'FOC1234X0AB' },
    });
    await d.start();
    devices.push(d);
    return d;
  }

  it('logs in as the bootstrap account with the platform dialect and returns the host key', async () => {
    const d = await device();
    const session = await openQueuedDeviceSession(queued(d.port), driver, {
      openCli: openDeviceCli,
      vault,
      settings,
    });
    try {
      expect(await session.cli.run('show serial')).toBe('FOC1234X0AB');
      expect(session.hostKeyFingerprint).toMatch(/^SHA256:/);
      expect(d.authAttempts[0]).toEqual(
        expect.objectContaining({ username: 'ztp-abc123' }),
      );
    } finally {
      session.close();
    }
  });

  it('refuses an address outside the management networks before connecting', async () => {
    const d = await device();
    const error = await openQueuedDeviceSession(
      queued(d.port, '127.0.0.1'),
      driver,
      {
        openCli: openDeviceCli,
        vault,
        settings: { ...settings, managementNetworks: ['198.18.0.0/15'] },
      },
    ).catch(e => e);
    expect(error).toBeInstanceOf(OutsideManagementNetworksError);
    expect(error.message).toBe(
      'refused to connect: 127.0.0.1 is outside the management networks in ztp.serialCheck.managementNetworks (198.18.0.0/15)',
    );
    expect(d.authAttempts).toEqual([]);
  });

  it('counts the extra prompts of an interactive step as prompts', async () => {
    // The device's prompt is a question the platform's pattern does not know.
    const d = await device('Proceed? [confirm]');
    const session = await openQueuedDeviceSession(
      queued(d.port),
      driver,
      { openCli: openDeviceCli, vault, settings },
      { extraPrompts: /\[confirm\]\s*$/ },
    );
    session.close();
    expect(session.hostKeyFingerprint).toMatch(/^SHA256:/);
  });

  it('says why an address is refused, and nothing when it is allowed', () => {
    expect(managementNetworkRefusal('127.0.10.3', ['127.0.0.0/8'])).toBe(
      undefined,
    );
    expect(
      managementNetworkRefusal('127.0.10.3', [
        '198.18.0.0/15',
        '127.0.20.0/24',
      ]),
    ).toBe(
      'refused to connect: 127.0.10.3 is outside the management networks in ztp.serialCheck.managementNetworks (198.18.0.0/15, 127.0.20.0/24)',
    );
  });
});
