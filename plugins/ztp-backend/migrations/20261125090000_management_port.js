// @ts-check

/**
 * The management port and VRF a declaration may name (when the platform's
 * usual one is not the device's), so the minimal configuration addresses
 * the port the device really has.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ztp_devices', table => {
    table.string('management_interface', 64).nullable();
    table.string('management_vrf', 64).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ztp_devices', table => {
    table.dropColumn('management_interface');
    table.dropColumn('management_vrf');
  });
};
