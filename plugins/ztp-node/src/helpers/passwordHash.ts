import type { PasswordHashScheme } from '../platformDriver';
import { ciscoType9Hash, shaCrypt } from './crypt';

/**
 * Computes a standard password hash: what drivers that declare a
 * passwordHashScheme return from hashPassword, and what the backend's
 * worker threads compute for them.
 */
export async function hashPasswordWithScheme(
  scheme: PasswordHashScheme,
  password: string,
): Promise<string> {
  switch (scheme) {
    case 'sha256-crypt':
      return shaCrypt(password, { variant: 'sha256' });
    case 'sha512-crypt':
      return shaCrypt(password, { variant: 'sha512' });
    case 'cisco-type9':
      return ciscoType9Hash(password);
    default:
      throw new Error(`Unknown password hash scheme "${scheme}"`);
  }
}
