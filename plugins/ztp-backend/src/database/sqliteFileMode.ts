import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';

/**
 * Makes the plugin's SQLite database readable by the backend's user only:
 * the file (it holds the devices' encrypted passwords) 0600, its directory
 * 0700. Backstage creates the file with the process's umask, usually 0644.
 * Done before the write-ahead log exists: SQLite gives the log and its
 * index the database file's mode. A directory the process does not own,
 * or one shared by design (sticky, like /tmp), is left as it is.
 */
export function restrictSqliteFiles(db: Knex) {
  const filename = (db.client.config.connection as { filename?: unknown })
    ?.filename;
  if (
    typeof filename !== 'string' ||
    filename === ':memory:' ||
    filename.startsWith('file:')
  ) {
    return;
  }
  const directory = path.dirname(path.resolve(filename));
  const dirStat = fs.statSync(directory);
  const uid = process.getuid?.();
  if (dirStat.uid === uid && !(dirStat.mode & 0o1000)) {
    fs.chmodSync(directory, 0o700);
  }
  for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
    if (fs.existsSync(file)) fs.chmodSync(file, 0o600);
  }
}
