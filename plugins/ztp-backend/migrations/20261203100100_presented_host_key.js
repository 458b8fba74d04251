// @ts-check

/**
 * The host key fingerprint a device presented when it did not match the
 * pinned one, kept until an operator accepts it (or the device presents the
 * pinned key again) so the operator can compare both.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ztp_devices', table => {
    table.string('host_key_presented', 128).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ztp_devices', table => {
    table.dropColumn('host_key_presented');
  });
};
