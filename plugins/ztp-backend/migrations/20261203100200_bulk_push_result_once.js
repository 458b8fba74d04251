// @ts-check

/**
 * One result per device and bulk push: a job taken over by another replica
 * after its runner died never records a device twice.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ztp_bulk_push_results', table => {
    table.unique(['job_id', 'entity_ref'], {
      indexName: 'ztp_bulk_push_results_once_idx',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ztp_bulk_push_results', table => {
    table.dropUnique(
      ['job_id', 'entity_ref'],
      'ztp_bulk_push_results_once_idx',
    );
  });
};
