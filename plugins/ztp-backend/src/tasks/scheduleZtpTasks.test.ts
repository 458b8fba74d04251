import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { ZtpSettings } from '../config';
import { scheduleZtpTasks } from './scheduleZtpTasks';

type Scheduled = SchedulerServiceTaskScheduleDefinition & {
  id: string;
  fn: () => Promise<void> | void;
};

/** Schedules the plugin's tasks on a scheduler that only records them. */
async function scheduledTasks() {
  const tasks: Scheduled[] = [];
  const scheduler = mockServices.scheduler.mock({
    scheduleTask: async task => {
      tasks.push(task as Scheduled);
    },
  });
  const swept = { bulkPushes: 0, replacementJobs: 0, followUps: 0 };
  await scheduleZtpTasks({
    scheduler,
    logger: mockServices.logger.mock(),
    settings: {
      catalogSyncSeconds: 30,
      indexRefreshSeconds: 10,
      eventRetentionDays: 180,
      serialCheck: { sweepSeconds: 5 },
    } as ZtpSettings,
    stores: {
      events: { pruneEvents: async () => 0 },
      unknownDevices: { pruneUnknownDevices: async () => 0 },
      declarationProblems: { prune: async () => 0 },
    } as any,
    sync: { run: async () => ({} as any) },
    doorView: { refreshIfChanged: async () => {} },
    serialChecks: { sweep: async () => {} },
    replacementFollowUp: {
      sweep: async () => {
        swept.followUps += 1;
      },
    },
    replacementJobs: {
      sweep: async () => {
        swept.replacementJobs += 1;
        return [];
      },
    },
    finalConfig: {
      jobs: {
        sweep: async () => {
          swept.bulkPushes += 1;
          return [];
        },
        prune: async () => 0,
      },
      settings: {},
    },
    dhcp: { settings: { debounceSeconds: 2 } },
  });
  return { tasks, swept };
}

describe('scheduleZtpTasks', () => {
  it('runs the take-over of a dead replica’s jobs and the replacements’ follow-up on every replica, so that a lock the dead replica held cannot delay them', async () => {
    const { tasks, swept } = await scheduledTasks();
    const takeOvers: Scheduled[] = [];
    for (const task of tasks) {
      const before = swept.bulkPushes + swept.replacementJobs + swept.followUps;
      await task.fn();
      if (swept.bulkPushes + swept.replacementJobs + swept.followUps > before) {
        takeOvers.push(task);
      }
    }
    expect(swept).toEqual({ bulkPushes: 1, replacementJobs: 1, followUps: 1 });
    expect(takeOvers.map(t => [t.id, t.scope])).toEqual([
      ['ztp-replacement-follow-up', 'local'],
      ['ztp-bulk-push-sweep', 'local'],
      ['ztp-replacement-jobs-sweep', 'local'],
    ]);
  });

  it('keeps the work one replica must do alone global', async () => {
    const { tasks } = await scheduledTasks();
    const scopes = Object.fromEntries(tasks.map(t => [t.id, t.scope]));
    // One catalog pass at a time, one cleanup a day for the whole cluster.
    expect(scopes['ztp-catalog-sync']).toBeUndefined();
    expect(scopes['ztp-cleanup']).toBeUndefined();
    // Each replica keeps its own door view and check limiter.
    expect(scopes['ztp-device-index-refresh']).toBe('local');
    expect(scopes['ztp-serial-check-sweep']).toBe('local');
  });
});
