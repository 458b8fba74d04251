// @ts-check

/**
 * Replacement lists survive the replica that runs them: the job keeps its
 * rows, its runner and a heartbeat, so that another replica (or this one
 * after a restart) takes over a job whose runner stopped answering and
 * replaces the devices that have no result yet.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ztp_replacement_jobs', table => {
    // JSON: [{ entityRef, newSerial?, newMacAddress? }]; null on jobs
    // started before this migration, which cannot be taken over.
    table.text('rows').nullable();
    table.string('runner', 64).nullable();
    table.timestamp('heartbeat_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ztp_replacement_jobs', table => {
    table.dropColumn('rows');
    table.dropColumn('runner');
    table.dropColumn('heartbeat_at');
  });
};
