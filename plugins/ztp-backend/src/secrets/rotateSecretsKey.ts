import type { SecretsKeyStore } from '../database/SecretsKeyStore';
import type { CredentialVault } from '../credentials/CredentialVault';
import {
  opensCheckValue,
  sealCheckValue,
  WrongSecretsKeyError,
} from './keyCheck';

/**
 * Re-encrypts every stored device password, and the key check value, from
 * the old key to the new one, in one transaction. Refuses (changing
 * nothing) when the old key does not open the data.
 */
export async function rotateSecretsKey(
  store: SecretsKeyStore,
  from: CredentialVault,
  to: CredentialVault,
  now = new Date(),
): Promise<{ passwords: number }> {
  const passwords = await store.reencryptAll(
    (entityRef, sealed) => {
      let password: string;
      try {
        password = from.decrypt(sealed, entityRef);
      } catch {
        throw new WrongSecretsKeyError(
          `the password of ${entityRef} does not decrypt with the old key`,
        );
      }
      return to.encrypt(password, entityRef);
    },
    current => {
      if (current && !opensCheckValue(from, current)) {
        throw new WrongSecretsKeyError(
          'the key check value does not decrypt with the old key',
        );
      }
      return sealCheckValue(to);
    },
    now,
  );
  return { passwords };
}
