// @ts-check

/**
 * Software upgrades of devices to their approved image: one row per
 * device (its last upgrade), claimed by one replica at a time with a
 * lease it renews while the upgrade runs, so a replica that dies leaves
 * the device to another one instead of two replicas upgrading it at once.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ztp_image_upgrades', table => {
    table.comment('The last software upgrade of each device');
    table.string('entity_ref', 255).primary().notNullable();
    // upgrading | compliant | failed
    table.string('state', 16).notNullable();
    table.string('phase', 24).nullable();
    table.integer('percent').nullable();
    table.string('from_version', 64).nullable();
    table.string('target_version', 64).notNullable();
    table.string('file', 255).notNullable();
    table.text('error').nullable();
    table.string('actor', 255).notNullable();
    // The replica running it and until when its claim holds.
    table.string('runner', 64).nullable();
    table.timestamp('lease_until', { useTz: true }).nullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['state'], 'ztp_image_upgrades_state_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ztp_image_upgrades');
};
