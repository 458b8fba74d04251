import { ConfigReader } from '@backstage/config';
import { CredentialVault } from './CredentialVault';

describe('CredentialVault', () => {
  const vault = new CredentialVault('a-long-enough-secret-key');

  it('generates distinct accounts with strong passwords', () => {
    const a = vault.generateAccount();
    const b = vault.generateAccount();
    expect(a.username).toMatch(/^ztp-[0-9a-f]{6}$/);
    expect(a.password).toMatch(/^[A-Za-z0-9\-_.:+=]{20}$/);
    expect(a.password).not.toBe(b.password);
  });

  it('encrypts at rest, bound to the device', () => {
    const sealed = vault.encrypt('S3cret-pass', 'resource:default/a');
    expect(sealed).not.toContain('S3cret-pass');
    expect(sealed).toMatch(/^v1:/);
    expect(vault.encrypt('S3cret-pass', 'resource:default/a')).not.toBe(sealed);
    expect(vault.decrypt(sealed, 'resource:default/a')).toBe('S3cret-pass');
    // Moved to another device, or read with another key: refused.
    expect(() => vault.decrypt(sealed, 'resource:default/b')).toThrow();
    expect(() =>
      new CredentialVault('another-secret-key-xyz').decrypt(
        sealed,
        'resource:default/a',
      ),
    ).toThrow();
  });

  it('requires a key in config, with a message saying how to make one', () => {
    expect(() => CredentialVault.fromConfig(new ConfigReader({}))).toThrow(
      /ztp\.secrets\.key must be set.*openssl rand/,
    );
    expect(() =>
      CredentialVault.fromConfig(
        new ConfigReader({ ztp: { secrets: { key: 'short' } } }),
      ),
    ).toThrow(/at least 16 characters/);
  });
});
