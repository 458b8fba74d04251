// @ts-check

/**
 * What the catalog processor found wrong in device declarations. The
 * catalog keeps a device it never accepted out of sight, so its processing
 * errors would only be in the log: they are kept here for the dashboard.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ztp_declaration_problems', table => {
    table.comment('Problems the catalog found in device declarations');
    table.string('entity_ref', 255).primary().notNullable();
    // The catalog location the declaration came from, e.g. file:/.../x.yaml
    table.text('location').nullable();
    // JSON list of messages, one per problem.
    table.text('problems').notNullable();
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ztp_declaration_problems');
};
