import crypto, { createHash, randomInt, scrypt } from 'node:crypto';
import { createSHA256, createSHA512, type IHasher } from 'hash-wasm';

type HashOnce = (data: Uint8Array) => Uint8Array;

// crypto.hash (Node 21.7+) skips the Hash object; older runtimes fall back.
const nodeHash = (algorithm: string): HashOnce =>
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? data =>
        (
          crypto as unknown as {
            hash: (a: string, d: Uint8Array, e: 'buffer') => Buffer;
          }
        ).hash(algorithm, data, 'buffer')
    : data => createHash(algorithm).update(data).digest();

/*
 * SHA-crypt's 5,000 rounds each hash about a hundred bytes: the cost is the
 * call, not the hashing. node:crypto's one-shot hash costs about twice
 * OpenSSL's own round (binding, digest lookup, a Buffer per call); a
 * WebAssembly SHA-2 (hash-wasm) with one reused state is close to it. It
 * loads asynchronously: until loadFastShaCrypt() has resolved, node:crypto
 * does the rounds (same output).
 */
const hashers: Partial<Record<'sha256' | 'sha512', HashOnce>> = {};
let loading: Promise<void> | undefined;

const wasmHash =
  (hasher: IHasher): HashOnce =>
  data => {
    hasher.init();
    hasher.update(data);
    return hasher.digest('binary');
  };

/** Loads the WebAssembly SHA-2 the rounds use once it is ready. */
export function loadFastShaCrypt(): Promise<void> {
  loading ??= Promise.all([createSHA256(), createSHA512()]).then(
    ([sha256, sha512]) => {
      hashers.sha256 = wasmHash(sha256);
      hashers.sha512 = wasmHash(sha512);
    },
  );
  return loading;
}

const roundHash = (algorithm: 'sha256' | 'sha512'): HashOnce =>
  hashers[algorithm] ?? nodeHash(algorithm);

/** The alphabet of crypt(3) hashes and salts. */
export const CRYPT_ALPHABET =
  './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random salt of `length` characters from the crypt alphabet. */
export function randomCryptSalt(length: number): string {
  let salt = '';
  for (let i = 0; i < length; i++) salt += CRYPT_ALPHABET[randomInt(64)];
  return salt;
}

/*
 * SHA-crypt ($5$ and $6$) as specified by Ulrich Drepper ("Unix crypt using
 * SHA-256 and SHA-512"), the format of /etc/shadow, NX-OS "password 5",
 * EOS "secret sha512" and Junos "encrypted-password". Implemented here
 * because the unixcrypt package is ESM-only with an import-only export map,
 * which neither the backend's CommonJS runtime nor jest can resolve.
 */

type ShaVariant = {
  id: '5' | '6';
  algorithm: 'sha256' | 'sha512';
  size: number;
  /** Byte triplets in the order the final digest is encoded. */
  order: number[][];
};

const SHA256: ShaVariant = {
  id: '5',
  algorithm: 'sha256',
  size: 32,
  order: [
    [0, 10, 20],
    [21, 1, 11],
    [12, 22, 2],
    [3, 13, 23],
    [24, 4, 14],
    [15, 25, 5],
    [6, 16, 26],
    [27, 7, 17],
    [18, 28, 8],
    [9, 19, 29],
    [-1, 31, 30],
  ],
};

const SHA512: ShaVariant = {
  id: '6',
  algorithm: 'sha512',
  size: 64,
  order: [
    [0, 21, 42],
    [22, 43, 1],
    [44, 2, 23],
    [3, 24, 45],
    [25, 46, 4],
    [47, 5, 26],
    [6, 27, 48],
    [28, 49, 7],
    [50, 8, 29],
    [9, 30, 51],
    [31, 52, 10],
    [53, 11, 32],
    [12, 33, 54],
    [34, 55, 13],
    [56, 14, 35],
    [15, 36, 57],
    [37, 58, 16],
    [59, 17, 38],
    [18, 39, 60],
    [40, 61, 19],
    [62, 20, 41],
    [-1, -1, 63],
  ],
};

const DEFAULT_ROUNDS = 5000;

function repeatTo(block: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = block[i % block.length];
  return out;
}

function shaCryptDigest(
  variant: ShaVariant,
  password: Buffer,
  salt: Buffer,
  rounds: number,
): Buffer {
  const hash = () => createHash(variant.algorithm);

  const b = hash().update(password).update(salt).update(password).digest();

  const a = hash().update(password).update(salt);
  a.update(repeatTo(b, password.length));
  for (let bits = password.length; bits > 0; bits >>= 1) {
    a.update(bits & 1 ? b : password);
  }
  const c = a.digest();

  const dp = hash();
  for (let i = 0; i < password.length; i++) dp.update(password);
  const p = repeatTo(dp.digest(), password.length);

  const ds = hash();
  for (let i = 0; i < 16 + c[0]; i++) ds.update(salt);
  const s = repeatTo(ds.digest(), salt.length);

  // The rounds dominate (5,000 by default). Round i hashes the previous
  // digest with constant parts that depend only on i % 2, i % 3 == 0 and
  // i % 7 == 0: each of those eight inputs is laid out once, and a round
  // writes the digest into its slot and hashes the buffer one-shot. No
  // Hash object, slice or copy of the constant parts per round.
  const size = variant.size;
  const layouts = new Map<number, { input: Buffer; digestAt: number }>();
  const layout = (i: number) => {
    const key = (i % 2) * 4 + (i % 3 ? 2 : 0) + (i % 7 ? 1 : 0);
    let found = layouts.get(key);
    if (!found) {
      const parts: Buffer[] = [];
      const digestSlot = Buffer.alloc(size);
      if (i % 2) parts.push(p);
      else parts.push(digestSlot);
      if (i % 3) parts.push(s);
      if (i % 7) parts.push(p);
      if (i % 2) parts.push(digestSlot);
      else parts.push(p);
      const input = Buffer.concat(parts);
      found = { input, digestAt: i % 2 ? input.length - size : 0 };
      layouts.set(key, found);
    }
    return found;
  };
  const rounds42 = Array.from({ length: 42 }, (_, i) => layout(i));
  const hashOnce = roundHash(variant.algorithm);
  let digest: Uint8Array = c;
  for (let i = 0, j = 0; i < rounds; i++, j = j === 41 ? 0 : j + 1) {
    const { input, digestAt } = rounds42[j];
    input.set(digest, digestAt);
    digest = hashOnce(input);
  }
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength);
}

function encodeShaCrypt(variant: ShaVariant, digest: Buffer): string {
  let out = '';
  for (const triplet of variant.order) {
    const bytes = triplet.map(i => (i < 0 ? 0 : digest[i]));
    let value = (bytes[0] << 16) | (bytes[1] << 8) | bytes[2];
    const chars = triplet.filter(i => i >= 0).length + 1;
    for (let n = 0; n < chars; n++) {
      out += CRYPT_ALPHABET[value & 0x3f];
      value >>= 6;
    }
  }
  return out;
}

/**
 * Hashes a password with SHA-crypt. `salt` is up to 16 characters of the
 * crypt alphabet (random when omitted); `rounds` defaults to 5000 and is
 * written into the hash only when it is not the default.
 */
export function shaCrypt(
  password: string,
  options: { variant: 'sha256' | 'sha512'; salt?: string; rounds?: number },
): string {
  const variant = options.variant === 'sha256' ? SHA256 : SHA512;
  const salt = (options.salt ?? randomCryptSalt(16)).slice(0, 16);
  const rounds = Math.min(
    Math.max(options.rounds ?? DEFAULT_ROUNDS, 1000),
    999999999,
  );
  const digest = shaCryptDigest(
    variant,
    Buffer.from(password, 'utf8'),
    Buffer.from(salt, 'utf8'),
    rounds,
  );
  const roundsPart = rounds === DEFAULT_ROUNDS ? '' : `rounds=${rounds}$`;
  return `$${variant.id}$${roundsPart}${salt}$${encodeShaCrypt(
    variant,
    digest,
  )}`;
}

/** Checks a password against a `$5$` or `$6$` hash. */
export function verifyShaCrypt(password: string, hash: string): boolean {
  const match =
    /^\$([56])\$(?:rounds=(\d+)\$)?([^$]{0,16})\$[./0-9A-Za-z]+$/.exec(hash);
  if (!match) return false;
  const [, id, rounds, salt] = match;
  const again = shaCrypt(password, {
    variant: id === '5' ? 'sha256' : 'sha512',
    salt,
    rounds: rounds ? Number(rounds) : undefined,
  });
  return again === hash;
}

/**
 * Encodes bytes in base64 bit order with the crypt alphabet and no padding,
 * as Cisco type 8 and type 9 hashes are written.
 */
export function cryptBase64(bytes: Buffer): string {
  const standard = bytes.toString('base64').replace(/=+$/, '');
  const from =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  for (const ch of standard) out += CRYPT_ALPHABET[from.indexOf(ch)];
  return out;
}

/**
 * Cisco "secret 9": scrypt with N=16384, r=1, p=1 and a 32-byte key over a
 * 14-character salt, written as `$9$<salt>$<43 characters>`.
 */
export async function ciscoType9Hash(
  password: string,
  salt: string = randomCryptSalt(14),
): Promise<string> {
  const key = await new Promise<Buffer>((resolve, reject) =>
    scrypt(
      Buffer.from(password, 'utf8'),
      Buffer.from(salt, 'utf8'),
      32,
      { N: 16384, r: 1, p: 1 },
      (error, derived) => (error ? reject(error) : resolve(derived)),
    ),
  );
  return `$9$${salt}$${cryptBase64(key)}`;
}
