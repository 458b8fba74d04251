import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { migrateZtpDatabase } from '../../database/ZtpStores';
import { ImageUpgradeStore } from './ImageUpgradeStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const claim = (runner: string, at: Date, leaseMs = 60_000) => ({
  entityRef: 'resource:default/leaf-01',
  fromVersion: '4.31.2F',
  targetVersion: '4.32.0F',
  file: 'EOS-4.32.0F.swi',
  actor: 'user:default/operator',
  runner,
  leaseUntil: new Date(at.getTime() + leaseMs),
  at,
});

describe.each(databases.eachSupportedId())('ImageUpgradeStore on %s', id => {
  async function store(dbId: TestDatabaseId) {
    const knex = await databases.init(dbId);
    await migrateZtpDatabase(knex);
    return new ImageUpgradeStore(knex);
  }

  it('lets one replica at a time claim a device, until its lease lapses', async () => {
    const s = await store(id);
    const t0 = new Date('2026-12-04T10:00:00Z');
    expect(await s.claim(claim('replica-a', t0))).toBe(true);
    // Another replica (or a second request) while the lease holds: refused.
    expect(
      await s.claim(claim('replica-b', new Date(t0.getTime() + 1000))),
    ).toBe(false);
    // Only the claiming replica records progress.
    const lease = new Date(t0.getTime() + 120_000);
    expect(
      await s.progress('resource:default/leaf-01', 'replica-b', {
        phase: 'downloading',
        leaseUntil: lease,
      }),
    ).toBe(false);
    expect(
      await s.progress('resource:default/leaf-01', 'replica-a', {
        phase: 'downloading',
        leaseUntil: lease,
      }),
    ).toBe(true);
    expect(await s.get('resource:default/leaf-01')).toMatchObject({
      state: 'upgrading',
      phase: 'downloading',
    });
    // Its lease lapsed (the replica stopped): the sweep fails it, and it may be claimed again.
    const later = new Date(t0.getTime() + 200_000);
    expect(await s.lapsed(later)).toEqual(['resource:default/leaf-01']);
    expect(
      await s.failLapsed(
        'resource:default/leaf-01',
        later,
        'the replica stopped',
      ),
    ).toBe(1);
    expect(await s.get('resource:default/leaf-01')).toMatchObject({
      state: 'failed',
      error: 'the replica stopped',
    });
    expect(await s.claim(claim('replica-b', later))).toBe(true);
    await s.finish('resource:default/leaf-01', 'replica-b', {
      state: 'compliant',
    });
    const done = await s.get('resource:default/leaf-01');
    expect(done).toMatchObject({
      state: 'compliant',
      fromVersion: '4.31.2F',
      targetVersion: '4.32.0F',
    });
    expect(done?.error).toBeUndefined();
    expect(await s.list()).toHaveLength(1);
  });

  it('records the downloaded share only while that file is downloading, keeps it through a lease renewal, and drops it with the next phase', async () => {
    const s = await store(id);
    const ref = 'resource:default/leaf-01';
    const t0 = new Date();
    const lease = new Date(t0.getTime() + 60_000);
    expect(await s.claim(claim('replica-a', t0))).toBe(true);
    // Still checking the free space: no share yet.
    expect(await s.downloadProgress(ref, 'EOS-4.32.0F.swi', 10)).toBe(false);
    await s.progress(ref, 'replica-a', {
      phase: 'downloading',
      leaseUntil: lease,
    });
    // Any replica's door may record it (not only the runner's).
    expect(await s.downloadProgress(ref, 'EOS-4.32.0F.swi', 40)).toBe(true);
    // Another file (not this upgrade's image): nothing.
    expect(await s.downloadProgress(ref, 'other.swi', 90)).toBe(false);
    // The same share again: no write.
    expect(await s.downloadProgress(ref, 'EOS-4.32.0F.swi', 40)).toBe(false);
    expect(await s.get(ref)).toMatchObject({
      phase: 'downloading',
      percent: 40,
    });
    // The heartbeat renews the lease in the same phase: the share stays.
    await s.progress(ref, 'replica-a', {
      phase: 'downloading',
      leaseUntil: lease,
    });
    expect((await s.get(ref))?.percent).toBe(40);
    await s.progress(ref, 'replica-a', {
      phase: 'verifying',
      leaseUntil: lease,
    });
    expect((await s.get(ref))?.percent).toBeUndefined();
    expect(await s.downloadProgress(ref, 'EOS-4.32.0F.swi', 100)).toBe(false);
  });
});
