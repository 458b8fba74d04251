import { execFileSync } from 'node:child_process';
import {
  cryptAlphabetBase64,
  hashCiscoType9,
  isCiscoType9,
  verifyCiscoType9,
} from './ciscoType9';
import { shaCrypt } from './shaCrypt';
import { verifyPasswordHash, verifySecret } from './verifyPasswordHash';

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8' }).trim();
}

describe('SHA-crypt ($5$, $6$) against openssl passwd', () => {
  it.each([
    ['-5', '$5$', 'Rk3pQ9zX'],
    ['-6', '$6$', 'aB3dE6gH1jK2'],
  ])(
    'accepts hashes openssl passwd %s makes and matches its output',
    async (flag, prefix, salt) => {
      const password = 'Zt9!pass word';
      const fromOpenssl = openssl(['passwd', flag, '-salt', salt, password]);
      expect(fromOpenssl.startsWith(`${prefix}${salt}$`)).toBe(true);

      // Ours and openssl's agree byte for byte, so a verify that passes is
      // not just unixcrypt agreeing with itself.
      expect(shaCrypt(password, `${prefix}${salt}`)).toBe(fromOpenssl);
      await expect(verifyPasswordHash(password, fromOpenssl)).resolves.toBe(
        true,
      );
      await expect(verifyPasswordHash('wrong', fromOpenssl)).resolves.toBe(
        false,
      );
    },
  );

  it('honours rounds= like openssl', () => {
    const fromOpenssl = openssl([
      'passwd',
      '-5',
      '-salt',
      'rounds=1200$xyz',
      'pw',
    ]);
    expect(fromOpenssl.startsWith('$5$rounds=1200$xyz$')).toBe(true);
    expect(shaCrypt('pw', fromOpenssl)).toBe(fromOpenssl);
  });

  it('verifies a random-salt hash it made with openssl', async () => {
    const hash = openssl(['passwd', '-6', 'sekret']);
    await expect(verifyPasswordHash('sekret', hash)).resolves.toBe(true);
    await expect(verifyPasswordHash('Sekret', hash)).resolves.toBe(false);
  });
});

describe('Cisco type 9 (scrypt)', () => {
  it('matches a published type 9 example hash', async () => {
    // The example hash of hashcat mode 9300 (password "hashcat").
    const published =
      '$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6';
    await expect(verifyCiscoType9('hashcat', published)).resolves.toBe(true);
    await expect(verifyCiscoType9('hashcaT', published)).resolves.toBe(false);
    await expect(hashCiscoType9('hashcat', '2MJBozw/9R3UsU')).resolves.toBe(
      published,
    );
  });

  it('derives the same key as openssl kdf SCRYPT', async () => {
    const salt = 'abcdefghijklmn';
    const hex = openssl([
      'kdf',
      '-keylen',
      '32',
      '-kdfopt',
      'pass:ZtpPassw0rd',
      '-kdfopt',
      `salt:${salt}`,
      '-kdfopt',
      'n:16384',
      '-kdfopt',
      'r:1',
      '-kdfopt',
      'p:1',
      'SCRYPT',
    ]).replace(/:/g, '');
    const expected = `$9$${salt}$${cryptAlphabetBase64(
      Buffer.from(hex, 'hex'),
    )}`;
    const ours = await hashCiscoType9('ZtpPassw0rd', salt);
    expect(ours).toBe(expected);
    expect(isCiscoType9(ours)).toBe(true);
    expect(ours).toHaveLength(3 + 14 + 1 + 43);
  });

  it('round-trips a random salt and rejects malformed hashes', async () => {
    const hash = await hashCiscoType9('p@ss');
    await expect(verifyPasswordHash('p@ss', hash)).resolves.toBe(true);
    await expect(verifyPasswordHash('p@ss', hash.slice(0, -1))).resolves.toBe(
      false,
    );
    await expect(verifyPasswordHash('p@ss', '$1$abc$def')).resolves.toBe(false);
  });

  it('compares clear-text secrets exactly', async () => {
    await expect(
      verifySecret('abc', { kind: 'clear', value: 'abc' }),
    ).resolves.toBe(true);
    await expect(
      verifySecret('abc ', { kind: 'clear', value: 'abc' }),
    ).resolves.toBe(false);
  });
});
