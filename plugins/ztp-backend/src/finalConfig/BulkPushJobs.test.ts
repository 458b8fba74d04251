import { mockServices } from '@backstage/backend-test-utils';
import type { ZtpPushResult } from '@ztp-portal/backstage-plugin-ztp-common';
import knexFactory, { type Knex } from 'knex';
import { DatabaseBulkPushJobStore } from '../database/BulkPushJobStore';
import { migrateZtpDatabase } from '../database/ZtpStores';
import { BULK_PUSH_STALE_MS, BulkPushJobs } from './BulkPushJobs';

/** A push that finishes when the test says so. */
function controllablePushes() {
  const waiting = new Map<string, (result: Partial<ZtpPushResult>) => void>();
  let active = 0;
  let maxActive = 0;
  const service = {
    push: (entityRef: string) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      if (entityRef.endsWith('boom')) {
        active -= 1;
        return Promise.reject(new Error('Conf Final needs a Checked serial'));
      }
      return new Promise<ZtpPushResult>(resolve => {
        waiting.set(entityRef, result => {
          active -= 1;
          resolve({ ok: true, device: {} as any, ...result });
        });
      });
    },
  };
  return {
    service,
    finish: (ref: string, result: Partial<ZtpPushResult> = {}) =>
      waiting.get(ref)!(result),
    started: () => [...waiting.keys()],
    maxActive: () => maxActive,
  };
}

/** Until the condition holds (pushes and their recording are asynchronous). */
async function until(condition: () => Promise<boolean> | boolean) {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  throw new Error('condition not met');
}

describe('BulkPushJobs', () => {
  let knex: Knex;
  let store: DatabaseBulkPushJobStore;
  const logger = mockServices.logger.mock();

  beforeEach(async () => {
    knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: ':memory:' },
      useNullAsDefault: true,
    });
    await migrateZtpDatabase(knex);
    store = new DatabaseBulkPushJobStore(knex);
  });
  afterEach(() => knex.destroy());

  /** A replica's job runner on the test database. */
  function runner(
    service: ReturnType<typeof controllablePushes>['service'],
    concurrency = 1,
    heartbeatMs?: number,
  ) {
    return new BulkPushJobs({
      service,
      store,
      concurrency,
      logger,
      heartbeatMs,
    });
  }

  it('pushes under the concurrency limit and reports progress', async () => {
    const pushes = controllablePushes();
    const jobs = runner(pushes.service, 2);
    const refs = ['a', 'b', 'c', 'd', 'e'].map(n => `resource:default/${n}`);
    const job = await jobs.start(refs, 'user:default/operator');
    expect(job).toMatchObject({
      total: 5,
      done: 0,
      failed: 0,
      running: true,
      actor: 'user:default/operator',
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });

    await until(() => pushes.started().length === 2);
    expect(pushes.started()).toEqual(refs.slice(0, 2));

    pushes.finish(refs[0]);
    pushes.finish(refs[1], { ok: false, error: 'rolled back' });
    await until(async () => (await jobs.get(job.id))!.done === 2);
    expect(await jobs.get(job.id)).toMatchObject({
      done: 2,
      failed: 1,
      running: true,
    });
    expect((await jobs.get(job.id))!.results).toEqual([
      { entityRef: refs[0], ok: true },
      { entityRef: refs[1], ok: false, error: 'rolled back' },
    ]);

    for (const ref of refs.slice(2)) {
      await until(() => pushes.started().includes(ref));
      pushes.finish(ref);
    }
    const done = await jobs.settled(job.id);
    expect(done).toMatchObject({
      total: 5,
      done: 5,
      failed: 1,
      running: false,
      finishedAt: expect.stringMatching(/^\d{4}-/),
    });
    expect(done!.interrupted).toBeUndefined();
    expect(pushes.maxActive()).toBe(2);
  });

  it('counts a refused push as failed and goes on', async () => {
    const pushes = controllablePushes();
    const jobs = runner(pushes.service, 5);
    const job = await jobs.start(
      ['resource:default/boom', 'resource:default/fine'],
      'user:default/operator',
    );
    await until(() => pushes.started().includes('resource:default/fine'));
    pushes.finish('resource:default/fine');
    const done = await jobs.settled(job.id);
    expect(done).toMatchObject({ done: 2, failed: 1, running: false });
    expect(done!.results).toContainEqual({
      entityRef: 'resource:default/boom',
      ok: false,
      error: 'Conf Final needs a Checked serial',
    });
  });

  it('answers for a job on any replica sharing the database', async () => {
    const pushes = controllablePushes();
    const first = runner(pushes.service, 1);
    const other = new BulkPushJobs({
      service: controllablePushes().service,
      store: new DatabaseBulkPushJobStore(knex),
      concurrency: 1,
      logger,
    });
    const job = await first.start(
      ['resource:default/a', 'resource:default/b'],
      'user:default/operator',
    );
    await until(() => pushes.started().length === 1);
    pushes.finish('resource:default/a');
    await until(async () => (await other.get(job.id))!.done === 1);
    expect(await other.get(job.id)).toMatchObject({ running: true, done: 1 });
    expect(await other.get('no-such-job')).toBeUndefined();
    await until(() => pushes.started().length === 2);
    pushes.finish('resource:default/b');
    expect(await other.settled(job.id)).toMatchObject({
      running: false,
      done: 2,
    });
  });

  it('says which devices a job did not reach when its backend shuts down', async () => {
    const pushes = controllablePushes();
    const jobs = runner(pushes.service, 1);
    const refs = ['a', 'b', 'c'].map(n => `resource:default/${n}`);
    const job = await jobs.start(refs, 'user:default/operator');
    await until(() => pushes.started().length === 1);
    pushes.finish(refs[0]);
    await until(() => pushes.started().length === 2);

    await jobs.stop();
    const stopped = await jobs.get(job.id);
    expect(stopped).toMatchObject({
      running: false,
      done: 1,
      interrupted: { notPushed: [refs[1], refs[2]] },
    });
    // A push that ends after the interruption is still counted, and the
    // job stays interrupted.
    pushes.finish(refs[1]);
    await until(async () => (await jobs.get(job.id))!.done === 2);
    expect(await jobs.get(job.id)).toMatchObject({
      running: false,
      interrupted: { notPushed: [refs[2]] },
    });
  });

  it('takes over the jobs of a replica that stopped answering, and only those, pushing what they had not reached', async () => {
    const stuck = controllablePushes();
    const gone = runner(stuck.service, 1, 60 * 60 * 1000);
    const refs = ['a', 'b', 'c'].map(n => `resource:default/${n}`);
    const lost = await gone.start(refs, 'user:default/operator');
    await until(() => stuck.started().length === 1);
    stuck.finish(refs[0]);
    await until(async () => (await gone.get(lost.id))!.done === 1);
    // The replica dies with b half pushed.
    await until(() => stuck.started().length === 2);

    const pushes = controllablePushes();
    const alive = runner(pushes.service, 2);
    const fresh = await alive.start(['resource:default/d'], 'user:default/op2');
    // Another replica sweeps a while later; the alive one has just said so.
    const later = new Date(Date.now() + BULK_PUSH_STALE_MS + 1000);
    await store.heartbeat(alive.runner, later);
    expect(await alive.sweep(later)).toEqual([lost.id]);
    // Taken once: a second sweep finds nothing to take.
    expect(await alive.sweep(later)).toEqual([]);
    await until(() => pushes.started().length === 3);
    expect(pushes.started()).toEqual(['resource:default/d', refs[1], refs[2]]);
    pushes.finish(refs[1]);
    pushes.finish(refs[2]);
    const done = await alive.settled(lost.id);
    expect(done).toMatchObject({ running: false, done: 3, failed: 0 });
    expect(done!.interrupted).toBeUndefined();
    expect(done!.results.map(r => r.entityRef).sort()).toEqual(refs);
    // The dead replica's half-done push is not recorded a second time.
    stuck.finish(refs[1]);
    await new Promise(resolve => setTimeout(resolve, 50));
    expect((await alive.get(lost.id))!.results).toHaveLength(3);
    expect(await alive.get(fresh.id)).toMatchObject({ running: true });
    pushes.finish('resource:default/d');
    await alive.settled(fresh.id);
    await alive.stop();
    await gone.stop();
  });

  it('gives a stale job to one of two replicas sweeping at the same moment', async () => {
    const stuck = controllablePushes();
    const gone = runner(stuck.service, 1, 60 * 60 * 1000);
    const lost = await gone.start(['resource:default/a'], 'user:default/op');
    await until(() => stuck.started().length === 1);
    const first = controllablePushes();
    const second = controllablePushes();
    const one = runner(first.service);
    const other = runner(second.service);
    const later = new Date(Date.now() + BULK_PUSH_STALE_MS + 1000);
    const taken = await Promise.all([one.sweep(later), other.sweep(later)]);
    expect(taken.flat()).toEqual([lost.id]);
    await until(() => first.started().length + second.started().length === 1);
    (first.started().length ? first : second).finish('resource:default/a');
    const done = await (taken[0].length ? one : other).settled(lost.id);
    expect(done).toMatchObject({ running: false, done: 1 });
    await Promise.all([one.stop(), other.stop(), gone.stop()]);
  });

  it('forgets jobs that ended before the retention date, never running ones', async () => {
    const pushes = controllablePushes();
    const jobs = runner(pushes.service, 1);
    const ended = await jobs.start(['resource:default/a'], 'user:x');
    await until(() => pushes.started().length === 1);
    pushes.finish('resource:default/a');
    await jobs.settled(ended.id);
    const running = await jobs.start(['resource:default/b'], 'user:x');

    expect(await jobs.prune(new Date(Date.now() - 60_000))).toBe(0);
    expect(await jobs.prune(new Date(Date.now() + 60_000))).toBe(1);
    expect(await jobs.get(ended.id)).toBeUndefined();
    expect(await knex('ztp_bulk_push_results').count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
    expect(await jobs.get(running.id)).toMatchObject({ running: true });
    await jobs.stop();
  });
});
