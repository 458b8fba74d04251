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

/** Where a device's RSA host key comes from, when not its own. */
export type RsaHostKeySource = () => Promise<string>;

/**
 * New host keys: RSA (all platforms, and the only one on old IOS) and
 * Ed25519. `sharedRsa` gives the RSA key from a fleet's few (see
 * rsaHostKeyPool); the Ed25519 key, the one a default client negotiates
 * and the portal pins, is always the device's own.
 */
export async function generateHostKeys(
  sharedRsa?: RsaHostKeySource,
): Promise<HostKeys> {
  const [rsa, ed25519] = await Promise.all([
    sharedRsa ? sharedRsa() : generateUsable('rsa', { bits: 2048 }),
    generateUsable('ed25519', {}),
  ]);
  return { rsa, ed25519 };
}

/**
 * A few RSA host keys that a large simulated fleet's devices take in turn.
 * An RSA-2048 key pair costs about a hundred milliseconds of CPU, which
 * real boxes each spend on their own processor; a simulator playing
 * thousands of boxes on two cores would spend most of a fleet boot on it,
 * and the benchmark would measure the simulator, not the portal.
 */
export function rsaHostKeyPool(size: number): RsaHostKeySource {
  const keys: Promise<string>[] = [];
  let next = 0;
  return () => {
    const i = next++ % size;
    keys[i] ??= generateUsable('rsa', { bits: 2048 });
    return keys[i];
  };
}

/** The OpenSSH-style SHA256 fingerprint of a private key's public half. */
export function fingerprint(privateKey: string): string {
  const parsed = utils.parseKey(privateKey);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key instanceof Error) throw key;
  const digest = createHash('sha256').update(key.getPublicSSH()).digest();
  return `SHA256:${digest.toString('base64').replace(/=+$/, '')}`;
}
