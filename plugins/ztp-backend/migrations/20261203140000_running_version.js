// @ts-check

/**
 * The software a device runs, read over SSH with its serial check (the
 * platform's own show version), and its model: with the approved images of
 * ztp.images they say whether the device needs an upgrade before Conf Final.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ztp_devices', table => {
    table.string('running_version', 64).nullable();
    table.string('device_model', 64).nullable();
    table.timestamp('version_read_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ztp_devices', table => {
    table.dropColumn('running_version');
    table.dropColumn('device_model');
    table.dropColumn('version_read_at');
  });
};
