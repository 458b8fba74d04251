import { getBuiltinDriver } from '../../platforms';
import { loadFastShaCrypt } from '../../platforms/common/crypt';

/** This file, for the pool to start its threads with. */
export const HASH_WORKER_FILE = __filename;

const ready = loadFastShaCrypt();

/** A pool thread's task: a built-in platform's hash of one password. */
export default async function hashInWorker(task: {
  platform: string;
  password: string;
}): Promise<string> {
  await ready;
  return getBuiltinDriver(task.platform).hashPassword(task.password);
}
