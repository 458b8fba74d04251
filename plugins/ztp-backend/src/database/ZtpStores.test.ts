import { TestDatabases } from '@backstage/backend-test-utils';
import { storesFor } from './__testUtils__/storesForTest';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

it('runs against PostgreSQL in CI, not only SQLite', () => {
  // scripts/test.sh starts a real PostgreSQL server; without it the
  // PostgreSQL cases below would silently not exist.
  const ids = databases.eachSupportedId().map(([id]) => id);
  const required = process.env.CI ? ['POSTGRES_15', 'SQLITE_3'] : ['SQLITE_3'];
  expect(ids).toEqual(expect.arrayContaining(required));
});

describe.each(databases.eachSupportedId())('The ZTP database on %p', id => {
  it('migrates up and down cleanly', async () => {
    const { knex } = await storesFor(databases, id);
    expect(await knex.schema.hasTable('ztp_devices')).toBe(true);
    await knex.migrate.rollback(
      { directory: `${__dirname}/../../migrations` },
      true,
    );
    expect(await knex.schema.hasTable('ztp_devices')).toBe(false);
  });
});
