import { fingerprint, generateHostKeys, rsaHostKeyPool } from './hostKeys';
import { SimulatedDevice } from './SimulatedDevice';

jest.setTimeout(60_000);

describe('host keys of simulated devices', () => {
  it('a fleet takes its RSA keys from a few, each device keeping its own Ed25519 key', async () => {
    const pool = rsaHostKeyPool(2);
    const keys = [];
    for (let i = 0; i < 5; i++) keys.push(await generateHostKeys(pool));
    expect(new Set(keys.map(k => fingerprint(k.rsa))).size).toBe(2);
    expect(new Set(keys.map(k => fingerprint(k.ed25519))).size).toBe(5);
    // Without a pool, every key is the device's own.
    const [a, b] = await Promise.all([generateHostKeys(), generateHostKeys()]);
    expect(fingerprint(a.rsa)).not.toBe(fingerprint(b.rsa));
  });

  it('a device whose clients pin its RSA key (legacy algorithms) never shares it', async () => {
    const sharedRsaHostKeys = rsaHostKeyPool(1);
    const device = (name: string, legacyAlgorithms: boolean) =>
      new SimulatedDevice({
        name,
        platform: 'cisco-iosxe',
        managementIp: '127.0.77.1',
        realSerial: 'FOC2148Z0AB',
        provisioningUrl: 'http://127.0.0.1:9',
        legacyAlgorithms,
        sharedRsaHostKeys,
      });
    const modern = [device('m1', false), device('m2', false)];
    const legacy = [device('l1', true), device('l2', true)];
    for (const d of [...modern, ...legacy]) await d.regenerateHostKey();
    expect(modern[0].rsaHostKeyFingerprint()).toBe(
      modern[1].rsaHostKeyFingerprint(),
    );
    // What a default client negotiates (and the portal pins) is unique.
    expect(modern[0].hostKeyFingerprint()).not.toBe(
      modern[1].hostKeyFingerprint(),
    );
    expect(legacy[0].hostKeyFingerprint()).not.toBe(
      legacy[1].hostKeyFingerprint(),
    );
    expect(legacy[0].rsaHostKeyFingerprint()).not.toBe(
      modern[0].rsaHostKeyFingerprint(),
    );
  });
});
