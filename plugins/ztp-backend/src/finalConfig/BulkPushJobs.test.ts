import { mockServices } from '@backstage/backend-test-utils';
import type { ZtpPushResult } from '@ztp-portal/backstage-plugin-ztp-common';
import { BulkPushJobs } from './BulkPushJobs';

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

const tick = () => new Promise(resolve => setImmediate(resolve));

describe('BulkPushJobs', () => {
  it('pushes under the concurrency limit and reports progress', async () => {
    const pushes = controllablePushes();
    const jobs = new BulkPushJobs({
      service: pushes.service,
      concurrency: 2,
      logger: mockServices.logger.mock(),
    });
    const refs = ['a', 'b', 'c', 'd', 'e'].map(n => `resource:default/${n}`);
    const job = jobs.start(refs, 'user:default/operator');
    expect(job).toMatchObject({ total: 5, done: 0, failed: 0, running: true });

    await tick();
    expect(pushes.started()).toEqual(refs.slice(0, 2));

    pushes.finish(refs[0]);
    pushes.finish(refs[1], { ok: false, error: 'rolled back' });
    await tick();
    expect(jobs.get(job.id)).toMatchObject({
      done: 2,
      failed: 1,
      running: true,
    });
    expect(jobs.get(job.id)!.results).toEqual([
      { entityRef: refs[0], ok: true, error: undefined },
      { entityRef: refs[1], ok: false, error: 'rolled back' },
    ]);

    for (const ref of refs.slice(2)) {
      await tick();
      pushes.finish(ref);
    }
    const done = await jobs.settled(job.id);
    expect(done).toMatchObject({
      total: 5,
      done: 5,
      failed: 1,
      running: false,
    });
    expect(pushes.maxActive()).toBe(2);
  });

  it('counts a refused push as failed and goes on', async () => {
    const pushes = controllablePushes();
    const jobs = new BulkPushJobs({
      service: pushes.service,
      concurrency: 5,
      logger: mockServices.logger.mock(),
    });
    const job = jobs.start(
      ['resource:default/boom', 'resource:default/fine'],
      'user:default/operator',
    );
    await tick();
    pushes.finish('resource:default/fine');
    const done = await jobs.settled(job.id);
    expect(done).toMatchObject({ done: 2, failed: 1, running: false });
    expect(done!.results).toContainEqual({
      entityRef: 'resource:default/boom',
      ok: false,
      error: 'Conf Final needs a Checked serial',
    });
  });

  it('returns copies, and nothing for unknown jobs', () => {
    const jobs = new BulkPushJobs({
      service: controllablePushes().service,
      concurrency: 1,
      logger: mockServices.logger.mock(),
    });
    const job = jobs.start(['resource:default/a'], 'user:default/operator');
    const copy = jobs.get(job.id)!;
    copy.results.push({ entityRef: 'x', ok: true });
    expect(jobs.get(job.id)!.results).toEqual([]);
    expect(jobs.get('nope')).toBeUndefined();
  });
});
