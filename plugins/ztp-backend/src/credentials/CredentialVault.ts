import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
  randomInt,
} from 'node:crypto';
import type { Config } from '@backstage/config';

const ALGORITHM = 'aes-256-gcm';
const FORMAT = 'v1';
// No quotes, backslashes, spaces or look-alikes: the password is typed by
// hand on a console and pasted into shells and device CLIs.
const PASSWORD_ALPHABET =
  'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.:+=';

/**
 * Generates device local accounts and keeps their passwords encrypted at
 * rest (AES-256-GCM, the entity ref bound as associated data so a ciphertext
 * cannot be moved to another device).
 */
export class CredentialVault {
  private readonly key: Buffer;

  static fromConfig(config: Config): CredentialVault {
    return CredentialVault.fromSecret(
      config.getOptionalString('ztp.secrets.key'),
      'ztp.secrets.key',
    );
  }

  /** A vault on a key read from `source` (a config key or variable named in errors). */
  static fromSecret(secret: string | undefined, source: string) {
    if (!secret || secret.length < 16) {
      throw new Error(
        `${source} must be set to a secret of at least 16 characters (for example the output of \`openssl rand -base64 32\`); it encrypts device passwords at rest`,
      );
    }
    return new CredentialVault(secret);
  }

  constructor(secret: string) {
    // Any strong secret string becomes a 256-bit key.
    this.key = createHash('sha256').update(secret, 'utf8').digest();
  }

  generateAccount(): { username: string; password: string } {
    const username = `ztp-${randomBytes(3).toString('hex')}`;
    let password = '';
    for (let i = 0; i < 20; i++) {
      password += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    }
    return { username, password };
  }

  encrypt(plaintext: string, entityRef: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    cipher.setAAD(Buffer.from(entityRef, 'utf8'));
    const body = Buffer.concat([
      cipher.update(plaintext, 'utf8'),
      cipher.final(),
    ]);
    return [
      FORMAT,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      body.toString('base64'),
    ].join(':');
  }

  decrypt(sealed: string, entityRef: string): string {
    const [format, iv, tag, body] = sealed.split(':');
    if (format !== FORMAT || !iv || !tag || !body) {
      throw new Error('Unknown credential format');
    }
    const decipher = createDecipheriv(
      ALGORITHM,
      this.key,
      Buffer.from(iv, 'base64'),
    );
    decipher.setAAD(Buffer.from(entityRef, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  }
}
