// @ts-check

/**
 * An unknown device's identifier is its kind and what it presented, the
 * longest being "hostname " and a 253-character hostname (ZTP_INPUT_LIMITS
 * .unknownIdentifier in ztp-common): 262 characters, wider than the 255 the
 * column had, so the longest hostname the door accepts could not be kept.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ztp_unknown_devices', table => {
    table
      .string('identifier', 262)
      .notNullable()
      .alter({ alterNullable: false });
  });
};

/**
 * Back to 255: the records of identifiers longer than that could not be
 * kept there and are dropped.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex('ztp_unknown_devices')
    .whereRaw('length(identifier) > 255')
    .delete();
  await knex.schema.alterTable('ztp_unknown_devices', table => {
    table
      .string('identifier', 255)
      .notNullable()
      .alter({ alterNullable: false });
  });
};
