/*
 * The standard password hashes alone, for the backend's hashing threads:
 * a thread that imported the package's index would load every helper and
 * dependency of the platform contract (templates, catalog clients), about
 * 16 MiB per thread, to run a function of one file.
 */
export { hashPasswordWithScheme } from './helpers/passwordHash';
export { loadFastShaCrypt } from './helpers/crypt';
export type { PasswordHashScheme } from './platformDriver';
