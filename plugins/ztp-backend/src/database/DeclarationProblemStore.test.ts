import { TestDatabases } from '@backstage/backend-test-utils';
import { storesFor } from './__testUtils__/storesForTest';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())(
  'DeclarationProblemStore on %p',
  id => {
    it('keeps the declarations the catalog refused until they are fixed or gone', async () => {
      const { stores } = await storesFor(databases, id);
      const problems = stores.declarationProblems;
      const t0 = new Date('2026-11-20T10:00:00Z');
      const at = (m: number) => new Date(t0.getTime() + m * 60_000);
      await problems.report(
        [
          {
            entityRef: 'resource:default/b',
            location: 'file:/x',
            problems: ['one'],
          },
          { entityRef: 'resource:default/a', problems: ['two', 'three'] },
          { entityRef: 'resource:default/c', problems: [] },
        ],
        t0,
      );
      // Reported again with another problem: first seen stays.
      await problems.report(
        [
          {
            entityRef: 'resource:default/b',
            location: 'file:/x',
            problems: ['four'],
          },
        ],
        at(10),
      );
      expect(await problems.list()).toEqual([
        {
          entityRef: 'resource:default/a',
          location: undefined,
          problems: ['two', 'three'],
          firstSeenAt: t0,
          updatedAt: t0,
        },
        {
          entityRef: 'resource:default/b',
          location: 'file:/x',
          problems: ['four'],
          firstSeenAt: t0,
          updatedAt: at(10),
        },
      ]);
      // Fixed: gone. Not reported for long: gone too.
      await problems.report(
        [{ entityRef: 'resource:default/a', problems: [] }],
        at(11),
      );
      expect(await problems.prune(at(5))).toBe(0);
      expect((await problems.list()).map(p => p.entityRef)).toEqual([
        'resource:default/b',
      ]);
      expect(await problems.prune(at(20))).toBe(1);
      expect(await problems.list()).toEqual([]);
    });
  },
);
