// @ts-check

/**
 * Repeated Conf Min fetches (a device fetching again from the same address)
 * are appended here, durably, and folded into their device's row a few
 * seconds later by the door that logged them (`owner`), which sums them in
 * memory meanwhile: an append touches one page per batch, where updating
 * each device's row touches a page per device and fetch.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ztp_repeated_fetches', table => {
    table.bigIncrements('id').primary();
    table.string('owner', 64).notNullable();
    table.string('entity_ref', 255).notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('source_ip', 64).notNullable();
    table.timestamp('check_at', { useTz: true }).notNullable();
    table.integer('count').notNullable();
    table.index(['owner', 'id'], 'ztp_repeated_fetches_owner_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ztp_repeated_fetches');
};
