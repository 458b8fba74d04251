import { verifyCiscoType9 } from './ciscoType9';
import { verifyShaCrypt } from './shaCrypt';

/**
 * A local account's stored credential as a device keeps it: a hash in one of
 * the formats the simulated platforms accept, or (for "password 0" style
 * lines) clear text.
 */
export type StoredSecret =
  | { kind: 'hash'; value: string }
  | { kind: 'clear'; value: string };

/**
 * Checks a password against a hash the way the device's OS would: Cisco type
 * 9 (scrypt), SHA-256 crypt ($5$) and SHA-512 crypt ($6$). Any other format
 * never matches, so an unexpected format shows up as a refused login.
 */
export async function verifyPasswordHash(
  password: string,
  hash: string,
): Promise<boolean> {
  if (hash.startsWith('$9$')) return verifyCiscoType9(password, hash);
  if (/^\$[56]\$/.test(hash)) {
    return verifyShaCrypt(password, hash);
  }
  return false;
}

export async function verifySecret(
  password: string,
  secret: StoredSecret,
): Promise<boolean> {
  if (secret.kind === 'clear') return password === secret.value;
  return verifyPasswordHash(password, secret.value);
}
