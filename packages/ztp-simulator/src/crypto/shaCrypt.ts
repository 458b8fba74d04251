import { createHash, hash as oneShotHash, randomBytes } from 'node:crypto';

/*
 * SHA-crypt ($5$ SHA-256, $6$ SHA-512), following Ulrich Drepper's public
 * specification "Unix crypt using SHA-256 and SHA-512". The simulator has its
 * own implementation (the unixcrypt package's import-only export map cannot
 * be loaded by jest), checked in tests against `openssl passwd -5/-6`.
 * It is a second SHA-crypt beside the backend's on purpose: an independent
 * oracle, so a bug in one cannot make the other's hashes pass.
 */

const CRYPT_ALPHABET =
  './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DEFAULT_ROUNDS = 5000;
const MIN_ROUNDS = 1000;
const MAX_ROUNDS = 999_999_999;

type Variant = {
  algorithm: 'sha256' | 'sha512';
  /** Byte triplets of the digest, in output order (high byte first). */
  groups: Array<[number, number, number]>;
  /** The leftover bytes, encoded last with fewer characters. */
  tail: { bytes: [number, number, number]; chars: number };
};

const SHA256: Variant = {
  algorithm: 'sha256',
  groups: [
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
  ],
  tail: { bytes: [-1, 31, 30], chars: 3 },
};

const SHA512: Variant = {
  algorithm: 'sha512',
  groups: [
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
  ],
  tail: { bytes: [-1, -1, 63], chars: 2 },
};

const HASH_PATTERN =
  /^\$([56])\$(?:rounds=(\d+)\$)?([^$]{0,16})(?:\$([./0-9A-Za-z]+))?$/;

function digest(algorithm: string, ...parts: Buffer[]): Buffer {
  const hash = createHash(algorithm);
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/** `source` repeated, cut to `length` bytes. */
function stretch(source: Buffer, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = source[i % source.length];
  return out;
}

function encode24(b2: number, b1: number, b0: number, chars: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < chars; i++) {
    out += CRYPT_ALPHABET[w & 0x3f];
    w >>= 6;
  }
  return out;
}

function shaCryptDigest(
  variant: Variant,
  password: Buffer,
  salt: Buffer,
  rounds: number,
): string {
  const alg = variant.algorithm;
  const b = digest(alg, password, salt, password);
  const size = b.length;

  const a = createHash(alg);
  a.update(password);
  a.update(salt);
  a.update(stretch(b, password.length));
  for (let n = password.length; n > 0; n >>= 1) {
    a.update(n & 1 ? b : password);
  }
  let c = a.digest();

  const dp = digest(alg, ...Array(password.length).fill(password));
  const p = stretch(dp, password.length);
  const ds = digest(alg, ...Array(16 + c[0]).fill(salt));
  const s = stretch(ds, salt.length);

  // Each round hashes its pieces laid out in one scratch buffer with the
  // one-shot hash: a hash object and four updates a round made a login's
  // password check cost milliseconds of the simulator's CPU per device.
  const scratch = Buffer.alloc(2 * size + 2 * p.length + s.length);
  for (let i = 0; i < rounds; i++) {
    let at = (i & 1 ? p : c).copy(scratch, 0);
    if (i % 3) at += s.copy(scratch, at);
    if (i % 7) at += p.copy(scratch, at);
    at += (i & 1 ? c : p).copy(scratch, at);
    c = oneShotHash(alg, scratch.subarray(0, at), 'buffer');
  }

  const at = (i: number) => (i < 0 ? 0 : c[i]);
  let out = '';
  for (const [x, y, z] of variant.groups) out += encode24(c[x], c[y], c[z], 4);
  const [x, y, z] = variant.tail.bytes;
  out += encode24(at(x), at(y), at(z), variant.tail.chars);
  if (out.length !== Math.ceil((size * 4) / 3)) {
    throw new Error('SHA-crypt encoding produced an unexpected length');
  }
  return out;
}

/** A random 16-character salt from the crypt alphabet. */
export function randomShaCryptSalt(): string {
  return Array.from(randomBytes(16), v => CRYPT_ALPHABET[v % 64]).join('');
}

/**
 * Hashes a password with SHA-crypt. `setting` is "$5$salt", "$6$salt" or
 * "$6$rounds=N$salt" (any trailing hash is ignored, so a full hash works).
 */
export function shaCrypt(password: string, setting: string): string {
  const m = HASH_PATTERN.exec(setting);
  if (!m) throw new Error(`Not a SHA-crypt setting: ${setting}`);
  const [, id, roundsText, saltText] = m;
  const variant = id === '5' ? SHA256 : SHA512;
  const rounds =
    roundsText === undefined
      ? DEFAULT_ROUNDS
      : Math.min(MAX_ROUNDS, Math.max(MIN_ROUNDS, Number(roundsText)));
  const prefix =
    roundsText === undefined ? `$${id}$` : `$${id}$rounds=${rounds}$`;
  const encoded = shaCryptDigest(
    variant,
    Buffer.from(password, 'utf8'),
    Buffer.from(saltText, 'utf8'),
    rounds,
  );
  return `${prefix}${saltText}$${encoded}`;
}

export function isShaCrypt(hash: string): boolean {
  const m = HASH_PATTERN.exec(hash);
  return Boolean(m && m[4]);
}

/** Checks a password against a $5$ or $6$ hash. */
export function verifyShaCrypt(password: string, hash: string): boolean {
  if (!isShaCrypt(hash)) return false;
  return shaCrypt(password, hash) === hash;
}
