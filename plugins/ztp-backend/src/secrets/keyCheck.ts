import type { SecretsKeyStore } from '../database/SecretsKeyStore';
import type { CredentialVault } from '../credentials/CredentialVault';

/** What the key check value holds, bound to its own associated data. */
const CHECK_PLAINTEXT = 'ztp.secrets.key check value';
const CHECK_CONTEXT = 'ztp:secrets-key-check';

/** The command that re-encrypts the stored passwords with a new key. */
export const ROTATE_COMMAND =
  'yarn workspace @ztp-portal/backstage-plugin-ztp-backend rotate-secrets-key';

/** The configured key is not the one the stored data was encrypted with. */
export class WrongSecretsKeyError extends Error {
  constructor(detail: string) {
    super(
      `ztp.secrets.key is not the key this database's device passwords were encrypted with (${detail}). ` +
        `Set ztp.secrets.key back to the key the data was written with and start again. ` +
        `To change keys, stop the backend and run \`${ROTATE_COMMAND}\` with the current key in ztp.secrets.key and the new one in ZTP_NEW_SECRETS_KEY (see the plugin's README, "Rotating ztp.secrets.key")`,
    );
    this.name = 'WrongSecretsKeyError';
  }
}

export function sealCheckValue(vault: CredentialVault): string {
  return vault.encrypt(CHECK_PLAINTEXT, CHECK_CONTEXT);
}

export function opensCheckValue(
  vault: CredentialVault,
  checkValue: string,
): boolean {
  try {
    return vault.decrypt(checkValue, CHECK_CONTEXT) === CHECK_PLAINTEXT;
  } catch {
    return false;
  }
}

function opensPassword(
  vault: CredentialVault,
  sample: { entityRef: string; sealed: string },
) {
  try {
    vault.decrypt(sample.sealed, sample.entityRef);
    return true;
  } catch {
    return false;
  }
}

/**
 * Proves at startup that `vault`'s key is the one the stored data was
 * encrypted with, against the key check value written on first start. A
 * database from before the check value is tested on a stored password.
 * Throws WrongSecretsKeyError otherwise.
 */
export async function verifySecretsKey(
  store: SecretsKeyStore,
  vault: CredentialVault,
  now = new Date(),
): Promise<'verified' | 'created'> {
  const existing = await store.readCheckValue();
  if (existing) {
    if (!opensCheckValue(vault, existing)) {
      throw new WrongSecretsKeyError('the key check value does not decrypt');
    }
    return 'verified';
  }
  const sample = await store.samplePassword();
  if (sample && !opensPassword(vault, sample)) {
    throw new WrongSecretsKeyError(
      `the password of ${sample.entityRef} does not decrypt`,
    );
  }
  await store.insertCheckValue(sealCheckValue(vault), now);
  // Another replica starting at the same time may have written first.
  const written = await store.readCheckValue();
  if (!written || !opensCheckValue(vault, written)) {
    throw new WrongSecretsKeyError(
      'another replica wrote a key check value with another key',
    );
  }
  return 'created';
}
