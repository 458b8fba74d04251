import { TestDatabases } from '@backstage/backend-test-utils';
import { storesFor } from './__testUtils__/storesForTest';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

describe.each(databases.eachSupportedId())('BulkPushJobStore on %p', id => {
  it('keeps bulk pushes with their results, interruptions and retention', async () => {
    const { stores } = await storesFor(databases, id);
    const jobs = stores.bulkPushJobs;
    const t0 = new Date('2026-11-20T10:00:00Z');
    const at = (s: number) => new Date(t0.getTime() + s * 1000);
    const refs = ['a', 'b', 'c'].map(n => `resource:default/${n}`);
    await jobs.create({
      id: 'job-1',
      actor: 'user:default/operator',
      entityRefs: refs,
      runner: 'replica-1',
      at: t0,
    });
    await jobs.addResult('job-1', { entityRef: refs[1], ok: true }, at(1));
    await jobs.addResult(
      'job-1',
      { entityRef: refs[0], ok: false, error: 'rolled back' },
      at(2),
    );
    expect(await jobs.get('job-1')).toEqual({
      id: 'job-1',
      actor: 'user:default/operator',
      total: 3,
      done: 2,
      failed: 1,
      running: true,
      startedAt: t0.toISOString(),
      finishedAt: undefined,
      results: [
        { entityRef: refs[1], ok: true },
        { entityRef: refs[0], ok: false, error: 'rolled back' },
      ],
    });

    // Heard of 2 s in: not stale at 60 s, stale at 3 min.
    await jobs.heartbeat('replica-1', at(2));
    expect(await jobs.interrupt({ staleBefore: at(0), at: at(60) })).toEqual(
      [],
    );
    expect(await jobs.interrupt({ staleBefore: at(120), at: at(180) })).toEqual(
      ['job-1'],
    );
    expect(await jobs.get('job-1')).toMatchObject({
      running: false,
      finishedAt: at(180).toISOString(),
      interrupted: { notPushed: [refs[2]] },
    });
    // An interrupted job is not finished over.
    await jobs.finish('job-1', at(200));
    expect((await jobs.get('job-1'))!.finishedAt).toBe(at(180).toISOString());

    await jobs.create({
      id: 'job-2',
      actor: 'user:default/operator',
      entityRefs: [refs[0]],
      runner: 'replica-2',
      at: at(10),
    });
    expect(await jobs.prune(at(179))).toBe(0);
    expect(await jobs.prune(at(181))).toBe(1);
    expect(await jobs.get('job-1')).toBeUndefined();
    expect(await jobs.get('job-2')).toMatchObject({ running: true });
  });
});
