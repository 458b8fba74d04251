// @ts-check

/**
 * A known value encrypted with ztp.secrets.key, written on first start: the
 * next starts decrypt it to prove the configured key is the one the stored
 * device passwords were encrypted with, before anything uses them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ztp_secrets_key_check', table => {
    table.comment('Key check value of ztp.secrets.key');
    // Always 1: the table holds one row.
    table.integer('id').primary().notNullable();
    table.text('check_value').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('rotated_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ztp_secrets_key_check');
};
