import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { ZTP_INPUT_LIMITS } from '@ztp-portal/backstage-plugin-ztp-common';
import type { Knex } from 'knex';
import { migrateZtpDatabase, ztpStoresOn } from './ZtpStores';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});
const directory = `${__dirname}/../../migrations`;

/** Where each limit is kept: the column must be at least that wide. */
const columns: [table: string, column: string, limit: number][] = [
  ['ztp_devices', 'header_serial', ZTP_INPUT_LIMITS.serial],
  ['ztp_devices', 'hostname', ZTP_INPUT_LIMITS.hostname],
  ['ztp_devices', 'entity_ref', ZTP_INPUT_LIMITS.entityRef],
  ['ztp_events', 'entity_ref', ZTP_INPUT_LIMITS.entityRef],
  ['ztp_serial_corrections', 'serial', ZTP_INPUT_LIMITS.serial],
  ['ztp_unknown_devices', 'identifier', ZTP_INPUT_LIMITS.unknownIdentifier],
];

async function width(knex: Knex, table: string, column: string) {
  if (knex.client.config.client === 'pg') {
    const row = await knex('information_schema.columns')
      .where({ table_name: table, column_name: column })
      .first('character_maximum_length');
    return Number(row.character_maximum_length);
  }
  const info: { name: string; type: string }[] = await knex.raw(
    `PRAGMA table_info(${table})`,
  );
  const type = info.find(c => c.name === column)?.type ?? '';
  return Number(/\((\d+)\)/.exec(type)?.[1]);
}

describe.each(databases.eachSupportedId())('input limits on %p', id => {
  async function migrated(dbId: TestDatabaseId) {
    const knex = await databases.init(dbId);
    await migrateZtpDatabase(knex);
    return knex;
  }

  it('has columns as wide as the longest input the door and the API accept', async () => {
    const knex = await migrated(id);
    for (const [table, column, limit] of columns) {
      const w = await width(knex, table, column);
      expect({ table, column, wideEnough: w >= limit }).toEqual({
        table,
        column,
        wideEnough: true,
      });
    }
  });

  it('keeps the longest identifier, and migrates down and up again', async () => {
    const knex = await migrated(id);
    const stores = ztpStoresOn(knex);
    const at = new Date();
    const longest = `hostname ${'h'.repeat(ZTP_INPUT_LIMITS.hostname)}`;
    expect(longest).toHaveLength(ZTP_INPUT_LIMITS.unknownIdentifier);
    await stores.unknownDevices.recordUnknownDevices([
      { sourceIp: '127.0.99.1', identifier: longest, at, count: 1 },
      {
        sourceIp: '127.0.99.1',
        identifier: 'mac 02:00:5e:00:53:99',
        at,
        count: 2,
      },
    ]);
    expect(
      (await stores.unknownDevices.listUnknownDevices(10)).map(
        r => r.identifier,
      ),
    ).toEqual(expect.arrayContaining([longest, 'mac 02:00:5e:00:53:99']));

    // Down: the column is 255 again and only what fits there is kept.
    await knex.migrate.down({
      directory,
      name: '20261203120000_unknown_identifier_width.js',
    });
    expect(await width(knex, 'ztp_unknown_devices', 'identifier')).toBe(255);
    expect(
      (await stores.unknownDevices.listUnknownDevices(10)).map(
        r => r.identifier,
      ),
    ).toEqual(['mac 02:00:5e:00:53:99']);
    await knex.migrate.latest({ directory });
    expect(await width(knex, 'ztp_unknown_devices', 'identifier')).toBe(
      ZTP_INPUT_LIMITS.unknownIdentifier,
    );
    expect(await stores.unknownDevices.listUnknownDevices(10)).toEqual([
      expect.objectContaining({
        identifier: 'mac 02:00:5e:00:53:99',
        count: 2,
      }),
    ]);
  });
});
