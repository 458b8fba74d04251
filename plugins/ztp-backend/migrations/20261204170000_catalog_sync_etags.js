// @ts-check

/**
 * The catalog etag each device entity had when the queue last processed
 * it, so that the first sync pass after a restart reads only refs and
 * etags, not every declaration again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ztp_catalog_sync_etags', table => {
    table.string('entity_ref', 255).primary().notNullable();
    table.string('etag', 255).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ztp_catalog_sync_etags');
};
