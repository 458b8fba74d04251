import {
  hashPasswordWithScheme,
  loadFastShaCrypt,
  type PasswordHashScheme,
} from '@ztp-portal/backstage-plugin-ztp-node';

/** This file, for the pool to start its threads with. */
export const HASH_WORKER_FILE = __filename;

const ready = loadFastShaCrypt();

/** A pool thread's task: a standard hash of one password. */
export default async function hashInWorker(task: {
  scheme: PasswordHashScheme;
  password: string;
}): Promise<string> {
  await ready;
  return hashPasswordWithScheme(task.scheme, task.password);
}
