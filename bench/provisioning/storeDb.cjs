/*
 * Opens the benchmark backend's ZTP database for the checking scripts:
 * a SQLite file path, or a postgresql:// URL (the plugin's own database).
 */
'use strict';

const path = require('node:path');
const knexFactory = require('knex');

function openStoreDb(target, { readonly = false } = {}) {
  if (/^postgres(ql)?:\/\//.test(target)) {
    return knexFactory({ client: 'pg', connection: target });
  }
  return knexFactory({
    client: 'better-sqlite3',
    connection: { filename: path.resolve(target), options: { readonly } },
    useNullAsDefault: true,
  });
}

/** True when the target is a database the scripts can open. */
function storeDbExists(target) {
  return (
    /^postgres(ql)?:\/\//.test(target) || require('node:fs').existsSync(target)
  );
}

module.exports = { openStoreDb, storeDbExists };
