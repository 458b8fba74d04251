// @ts-check

/**
 * Replacement (RMA) and re-provisioning of devices: the marker a device
 * carries until it is Provisioned again, the MAC of a replacement box next
 * to its serial in the catalog overlay, and replacement lists applied as
 * jobs any replica can report on.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ztp_devices', table => {
    // JSON: kind, who, when, previous serial, learn serial, auto push.
    table.text('replacement').nullable();
    // waiting (for the new box to be Checked) | pushing (claimed by a replica)
    table.string('replacement_state', 16).nullable();
  });
  await knex.schema.alterTable('ztp_serial_corrections', table => {
    table.string('mac_address', 17).nullable();
    table.string('previous_mac_address', 17).nullable();
  });
  await knex.schema.createTable('ztp_replacement_jobs', table => {
    table.comment('Replacement lists (CSV) applied as one job');
    table.string('id', 36).primary().notNullable();
    table.string('actor', 255).notNullable();
    table.integer('total').notNullable();
    table.integer('done').notNullable().defaultTo(0);
    table.integer('failed').notNullable().defaultTo(0);
    // running | finished
    table.string('state', 16).notNullable().defaultTo('running');
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
  });
  await knex.schema.createTable('ztp_replacement_results', table => {
    table.bigIncrements('id').primary();
    table
      .string('job_id', 36)
      .notNullable()
      .references('id')
      .inTable('ztp_replacement_jobs')
      .onDelete('CASCADE');
    table.string('entity_ref', 255).notNullable();
    table.boolean('ok').notNullable();
    table.text('error').nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.unique(['job_id', 'entity_ref'], {
      indexName: 'ztp_replacement_results_once',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ztp_replacement_results');
  await knex.schema.dropTable('ztp_replacement_jobs');
  await knex.schema.alterTable('ztp_serial_corrections', table => {
    table.dropColumn('mac_address');
    table.dropColumn('previous_mac_address');
  });
  await knex.schema.alterTable('ztp_devices', table => {
    table.dropColumn('replacement');
    table.dropColumn('replacement_state');
  });
};
