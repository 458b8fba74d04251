import {
  hashPasswordWithScheme,
  loadFastShaCrypt,
  type PasswordHashScheme,
} from '@ztp-portal/backstage-plugin-ztp-node/passwordHashing';

/** This file, for the pool to start its threads with. */
export const HASH_WORKER_FILE = __filename;

const ready = loadFastShaCrypt();

/**
 * A pool thread's task: a standard hash of one password. A named export the
 * pool asks for by name, and imports: the production build drops a module's
 * exports nothing imports, and a default export nothing imported left the
 * built worker without its task (every account failed to be made).
 */
export async function hashInWorker(task: {
  scheme: PasswordHashScheme;
  password: string;
}): Promise<string> {
  await ready;
  return hashPasswordWithScheme(task.scheme, task.password);
}
