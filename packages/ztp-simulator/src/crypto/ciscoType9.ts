import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** The alphabet of crypt(3) hashes, in value order. */
const CRYPT_ALPHABET =
  './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const STANDARD_BASE64 =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

// Cisco type 9: scrypt N=2^14, r=1, p=1, 32-byte key, 14-character salt.
const SCRYPT_OPTIONS = { N: 16384, r: 1, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_LENGTH = 32;
const SALT_LENGTH = 14;
const TYPE9_PATTERN = /^\$9\$([./0-9A-Za-z]{14})\$([./0-9A-Za-z]{43})$/;

/**
 * Encodes bytes like standard base64 (same bit order) but with the crypt
 * alphabet and without padding, as Cisco type 8 and 9 secrets do.
 */
export function cryptAlphabetBase64(bytes: Buffer): string {
  return bytes
    .toString('base64')
    .replace(/=+$/, '')
    .split('')
    .map(c => CRYPT_ALPHABET[STANDARD_BASE64.indexOf(c)])
    .join('');
}

function deriveKey(password: string, salt: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      Buffer.from(password, 'utf8'),
      Buffer.from(salt, 'utf8'),
      KEY_LENGTH,
      SCRYPT_OPTIONS,
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/** A random type 9 salt: 14 characters of the crypt alphabet. */
export function randomType9Salt(): string {
  return Array.from(
    randomBytes(SALT_LENGTH),
    b => CRYPT_ALPHABET[b % CRYPT_ALPHABET.length],
  ).join('');
}

/** Hashes a password as an IOS "secret 9" value. */
export async function hashCiscoType9(
  password: string,
  salt: string = randomType9Salt(),
): Promise<string> {
  if (!/^[./0-9A-Za-z]{14}$/.test(salt)) {
    throw new Error('A type 9 salt is 14 characters of [./0-9A-Za-z]');
  }
  const key = await deriveKey(password, salt);
  return `$9$${salt}$${cryptAlphabetBase64(key)}`;
}

export function isCiscoType9(hash: string): boolean {
  return TYPE9_PATTERN.test(hash);
}

/** Checks a password against a type 9 secret in constant time. */
export async function verifyCiscoType9(
  password: string,
  hash: string,
): Promise<boolean> {
  const match = TYPE9_PATTERN.exec(hash);
  if (!match) return false;
  const key = await deriveKey(password, match[1]);
  const expected = Buffer.from(cryptAlphabetBase64(key));
  const actual = Buffer.from(match[2]);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
