// @ts-check

/**
 * The ZTP queue: one row per declared device, its generated local account,
 * its Conf Min / Serial / Conf Final state, and its event timeline.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('ztp_devices', table => {
    table.comment('Every catalog network device in the ZTP queue');
    table.string('entity_ref', 255).primary().notNullable();
    table.string('namespace', 255).notNullable();
    table.string('name', 255).notNullable();
    table.string('title', 255).nullable();
    table.string('site', 255).nullable();
    table.string('role', 255).nullable();
    table.string('platform', 64).notNullable();
    table.string('management_address', 64).notNullable();
    table.string('management_ip', 64).notNullable();
    table.string('default_gateway', 64).nullable();
    table.integer('ssh_port').notNullable().defaultTo(22);
    table.string('mac_address', 32).nullable();
    table.string('hostname', 255).notNullable();
    table.string('declared_serial', 64).notNullable();
    table.string('expected_serial', 64).notNullable();
    table.boolean('serial_temporary').notNullable().defaultTo(false);
    table.text('declaration_hash').notNullable();
    table.boolean('in_catalog').notNullable().defaultTo(true);
    table.string('local_username', 64).notNullable();
    table.text('local_password_enc').notNullable();
    // The password hashed in the platform's native format, as it goes into
    // the minimal configuration; computed once, not per fetch.
    table.text('local_password_hash').notNullable();
    table.string('conf_min_state', 16).notNullable().defaultTo('not-loaded');
    table.timestamp('conf_min_loaded_at', { useTz: true }).nullable();
    table.string('conf_min_loaded_from', 64).nullable();
    table.integer('conf_min_fetch_count').notNullable().defaultTo(0);
    table.string('serial_state', 16).notNullable().defaultTo('not-checked');
    table.string('presented_serial', 64).nullable();
    table.string('header_serial', 64).nullable();
    table.timestamp('serial_checked_at', { useTz: true }).nullable();
    table.text('serial_reason').nullable();
    table.integer('serial_attempts').notNullable().defaultTo(0);
    table.timestamp('serial_next_check_at', { useTz: true }).nullable();
    table.timestamp('serial_lease_until', { useTz: true }).nullable();
    table.string('serial_lease_owner', 64).nullable();
    table.string('host_key_fingerprint', 128).nullable();
    table.string('conf_final_state', 16).notNullable().defaultTo('not-pushed');
    table.timestamp('conf_final_pushed_at', { useTz: true }).nullable();
    table.text('conf_final_error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('removed_at', { useTz: true }).nullable();
    table.index(['mac_address'], 'ztp_devices_mac_idx');
    table.index(['hostname'], 'ztp_devices_hostname_idx');
    table.index(['management_ip'], 'ztp_devices_mgmt_ip_idx');
    table.index(['serial_next_check_at'], 'ztp_devices_next_check_idx');
  });

  await knex.schema.createTable('ztp_events', table => {
    table.comment('Timeline of what happened to each device, and who did it');
    table.bigIncrements('id').primary();
    table.string('entity_ref', 255).notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.string('type', 64).notNullable();
    table.string('actor', 255).notNullable();
    table.text('message').notNullable();
    table.text('details').nullable();
    table.index(['entity_ref', 'id'], 'ztp_events_ref_idx');
    table.index(['at'], 'ztp_events_at_idx');
  });

  await knex.schema.createTable('ztp_serial_corrections', table => {
    table.comment(
      'Serials verified by an operator, overriding the declared ones',
    );
    table.string('entity_ref', 255).primary().notNullable();
    table.string('serial', 64).notNullable();
    table.string('previous_serial', 64).notNullable();
    table.string('corrected_by', 255).notNullable();
    table.timestamp('corrected_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('ztp_unknown_devices', table => {
    table.comment('Requests for configurations from devices nobody declared');
    table.string('source_ip', 64).notNullable();
    table.string('identifier', 255).notNullable();
    table.integer('count').notNullable().defaultTo(1);
    table.timestamp('first_seen', { useTz: true }).notNullable();
    table.timestamp('last_seen', { useTz: true }).notNullable();
    table.primary(['source_ip', 'identifier']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('ztp_unknown_devices');
  await knex.schema.dropTable('ztp_serial_corrections');
  await knex.schema.dropTable('ztp_events');
  await knex.schema.dropTable('ztp_devices');
};
