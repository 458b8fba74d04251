// @ts-check

/**
 * Bulk pushes of final configurations, in the database rather than in the
 * memory of the replica that runs them: any replica answers for a job's
 * progress, and a job whose replica stopped is reported as interrupted
 * with the devices it did not reach.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ztp_bulk_push_jobs', table => {
    table.comment('Bulk pushes of final configurations');
    table.string('id', 36).primary().notNullable();
    table.string('actor', 255).notNullable();
    // JSON list of the entity refs to push, in order.
    table.text('entity_refs').notNullable();
    table.integer('total').notNullable();
    table.integer('done').notNullable().defaultTo(0);
    table.integer('failed').notNullable().defaultTo(0);
    // running | finished | interrupted
    table.string('state', 16).notNullable().defaultTo('running');
    // The backend instance running the job, and when it last said so.
    table.string('runner', 64).notNullable();
    table.timestamp('heartbeat_at', { useTz: true }).notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['state', 'heartbeat_at'], 'ztp_bulk_push_jobs_state_idx');
  });
  await knex.schema.createTable('ztp_bulk_push_results', table => {
    table.comment('One row per device a bulk push has pushed, or failed to');
    table.bigIncrements('id').primary();
    table
      .string('job_id', 36)
      .notNullable()
      .references('id')
      .inTable('ztp_bulk_push_jobs')
      .onDelete('CASCADE');
    table.string('entity_ref', 255).notNullable();
    table.boolean('ok').notNullable();
    table.text('error').nullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['job_id'], 'ztp_bulk_push_results_job_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ztp_bulk_push_results');
  await knex.schema.dropTable('ztp_bulk_push_jobs');
};
