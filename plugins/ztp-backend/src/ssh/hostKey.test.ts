import { hostKeyFingerprint, normalizeKnownHostKey } from './hostKey';
import { usableEd25519Pair } from './__testUtils__/FakeDevice';

describe('host key fingerprints', () => {
  const pair = usableEd25519Pair();
  const blob = pair.public.split(' ')[1];
  const fingerprint = hostKeyFingerprint(Buffer.from(blob, 'base64'));

  it('prints SHA256 fingerprints without padding', () => {
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('reads every recorded form as the same fingerprint', () => {
    expect(normalizeKnownHostKey(fingerprint)).toBe(fingerprint);
    expect(normalizeKnownHostKey(`${fingerprint}=`)).toBe(fingerprint);
    expect(normalizeKnownHostKey(blob)).toBe(fingerprint);
    expect(normalizeKnownHostKey(pair.public)).toBe(fingerprint);
    expect(normalizeKnownHostKey(`127.0.0.1 ${pair.public}`)).toBe(fingerprint);
    expect(normalizeKnownHostKey(fingerprint.slice('SHA256:'.length))).toBe(
      fingerprint,
    );
  });

  it('never matches a value it cannot read', () => {
    expect(normalizeKnownHostKey('garbage')).not.toBe(fingerprint);
  });
});
