// @ts-check

/**
 * DHCP from the catalog: the switch port a declaration may name (option 82
 * circuit ID of the device's reservation), and the state of the
 * configuration applied to Kea, shared by every backend replica.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ztp_devices', table => {
    table.string('switch_port', 160).nullable();
  });
  await knex.schema.createTable('ztp_dhcp_apply', table => {
    table.comment('The Kea configuration last applied, and the last attempt');
    // One row per Kea control endpoint.
    table.string('endpoint', 255).primary().notNullable();
    // Hash of the configuration Kea last took.
    table.string('applied_hash', 64).nullable();
    // Hash of the configuration last tried: a refused one is not retried
    // until the configuration changes.
    table.string('attempted_hash', 64).nullable();
    // JSON object: entity ref -> what its reservation said, to name changes.
    table.text('applied_devices').nullable();
    table.timestamp('last_attempt_at', { useTz: true }).nullable();
    table.timestamp('last_applied_at', { useTz: true }).nullable();
    table.text('change').nullable();
    table.text('error').nullable();
    table.boolean('ok').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ztp_dhcp_apply');
  await knex.schema.alterTable('ztp_devices', table => {
    table.dropColumn('switch_port');
  });
};
