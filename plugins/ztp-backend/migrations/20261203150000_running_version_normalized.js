// @ts-check

/**
 * The running version as compared with the approved images (lower case, no
 * leading zeros in numeric parts: normalizeSoftwareVersion of ztp-common),
 * so that GET /devices can filter on image compliance in SQL: the list is
 * paginated by the database and the approved images are only in config.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ztp_devices', table => {
    table.string('running_version_normalized', 64).nullable();
  });
  const rows = await knex('ztp_devices')
    .whereNotNull('running_version')
    .select('entity_ref', 'running_version');
  for (const row of rows) {
    await knex('ztp_devices')
      .where({ entity_ref: row.entity_ref })
      .update({
        // The same rule as normalizeSoftwareVersion (migrations run as
        // plain JavaScript and do not import the TypeScript packages).
        running_version_normalized: String(row.running_version)
          .trim()
          .toLowerCase()
          .replace(/(^|[.(])0+(?=\d)/g, '$1'),
      });
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ztp_devices', table => {
    table.dropColumn('running_version_normalized');
  });
};
