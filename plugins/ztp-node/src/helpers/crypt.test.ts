import { opensslPasswd } from '../testUtils';
import {
  ciscoType9Hash,
  loadFastShaCrypt,
  randomCryptSalt,
  shaCrypt,
  verifyShaCrypt,
} from './crypt';

const openssl = opensslPasswd;

describe('shaCrypt', () => {
  it.each([
    ['a'],
    ['correct horse battery staple'],
    ['p@$$w0rd with "quotes" and \\ backslash'],
    ['ünïcødé-パスワード'],
    ['x'.repeat(100)],
  ])('matches openssl for %j', password => {
    const salt = randomCryptSalt(16);
    expect(shaCrypt(password, { variant: 'sha256', salt })).toBe(
      openssl('-5', salt, password),
    );
    expect(shaCrypt(password, { variant: 'sha512', salt })).toBe(
      openssl('-6', salt, password),
    );
  });

  it('writes non-default rounds into the hash', () => {
    const hash = shaCrypt('secret', {
      variant: 'sha512',
      salt: 'abcdefgh',
      rounds: 10000,
    });
    expect(hash.startsWith('$6$rounds=10000$abcdefgh$')).toBe(true);
    expect(verifyShaCrypt('secret', hash)).toBe(true);
  });

  it('uses a random 16-character salt by default', () => {
    const a = shaCrypt('same', { variant: 'sha512' });
    const b = shaCrypt('same', { variant: 'sha512' });
    expect(a).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
    expect(a).not.toBe(b);
  });

  it('verifies only the right password', () => {
    const hash = shaCrypt('right', { variant: 'sha256' });
    expect(verifyShaCrypt('right', hash)).toBe(true);
    expect(verifyShaCrypt('wrong', hash)).toBe(false);
    expect(verifyShaCrypt('right', 'not a hash')).toBe(false);
  });
});

// The tests above ran with node:crypto doing the rounds; from here on the
// WebAssembly SHA-2 does, and must give the same hashes.
describe('shaCrypt with the WebAssembly rounds', () => {
  beforeAll(() => loadFastShaCrypt());

  it.each([
    ['a'],
    ['Bootstrap-password-24chr'],
    ['ünïcødé-パスワード'],
    ['x'.repeat(100)],
  ])('matches openssl for %j', password => {
    const salt = randomCryptSalt(16);
    expect(shaCrypt(password, { variant: 'sha256', salt })).toBe(
      openssl('-5', salt, password),
    );
    expect(shaCrypt(password, { variant: 'sha512', salt })).toBe(
      openssl('-6', salt, password),
    );
  });

  it('matches openssl with non-default rounds and a short salt', () => {
    const hash = shaCrypt('secret', {
      variant: 'sha512',
      salt: 'ab',
      rounds: 1000,
    });
    expect(hash).toBe(openssl('-6', 'rounds=1000$ab', 'secret'));
  });
});

describe('ciscoType9Hash', () => {
  it('reproduces the type 9 example published for the password "cisco"', async () => {
    await expect(ciscoType9Hash('cisco', 'nhEmQVczB7dqsO')).resolves.toBe(
      '$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM',
    );
  });

  it('draws a fresh 14-character salt', async () => {
    const hash = await ciscoType9Hash('cisco');
    expect(hash).toMatch(/^\$9\$[./0-9A-Za-z]{14}\$[./0-9A-Za-z]{43}$/);
  });
});
