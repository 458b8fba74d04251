import { createHash } from 'node:crypto';
import { utils } from 'ssh2';

/** The host keys of a device, as OpenSSH private keys. */
export type HostKeys = { rsa: string; ed25519: string };

function generate(
  type: 'rsa' | 'ed25519',
  options: { bits?: number },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const callback = (err: Error | null, pair: { private: string }) =>
      err ? reject(err) : resolve(pair.private);
    if (type === 'rsa') {
      utils.generateKeyPair('rsa', { bits: options.bits ?? 2048 }, callback);
    } else {
      utils.generateKeyPair('ed25519', callback);
    }
  });
}

/**
 * A key ssh2 can read back: its Ed25519 generator strips leading zero bytes
 * of the public key about once in 200 keys, and such a key fails to parse.
 */
async function generateUsable(
  type: 'rsa' | 'ed25519',
  options: { bits?: number },
): Promise<string> {
  for (;;) {
    const key = await generate(type, options);
    if (!(utils.parseKey(key) instanceof Error)) return key;
  }
}

/** New host keys: RSA (all platforms, and the only one on old IOS) and Ed25519. */
export async function generateHostKeys(): Promise<HostKeys> {
  const [rsa, ed25519] = await Promise.all([
    generateUsable('rsa', { bits: 2048 }),
    generateUsable('ed25519', {}),
  ]);
  return { rsa, ed25519 };
}

/** The OpenSSH-style SHA256 fingerprint of a private key's public half. */
export function fingerprint(privateKey: string): string {
  const parsed = utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error) throw key;
  const digest = createHash('sha256').update(key.getPublicSSH()).digest();
  return `SHA256:${digest.toString('base64').replace(/=+$/, '')}`;
}
