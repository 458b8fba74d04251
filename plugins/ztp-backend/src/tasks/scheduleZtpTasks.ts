import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import { DECLARATION_REPORT_REFRESH_MS } from '@ztp-portal/backstage-plugin-ztp-common';
import type { ZtpSettings } from '../config';
import type { ZtpStores } from '../database/ZtpStores';
import { DHCP_APPLY_TASK_ID } from '../dhcp';
import type { DhcpApplier } from '../dhcp/DhcpApplier';
import { BULK_PUSH_HEARTBEAT_MS, JOB_RETENTION_DAYS } from '../finalConfig';
import type { BulkPushJobs } from '../finalConfig';
import type { DoorQueueView } from '../door/DoorQueueView';
import type { DeviceQueueSync } from '../queue/DeviceQueueSync';
import {
  REPLACEMENT_JOB_HEARTBEAT_MS,
  type ReplacementJobs,
} from '../replacement';

const DAY_MS = 86400_000;

/**
 * The plugin's scheduled work. Tasks without a scope are global (one
 * replica runs each run); 'local' ones run on every replica, as they
 * keep that replica's own state.
 */
export async function scheduleZtpTasks(deps: {
  scheduler: SchedulerService;
  logger: LoggerService;
  settings: ZtpSettings;
  stores: Pick<ZtpStores, 'events' | 'unknownDevices' | 'declarationProblems'>;
  sync: Pick<DeviceQueueSync, 'run'>;
  doorView: Pick<DoorQueueView, 'refreshIfChanged'>;
  serialChecks: { sweep(): Promise<unknown> };
  replacementFollowUp: { sweep(): Promise<void> };
  replacementJobs: Pick<ReplacementJobs, 'sweep'>;
  finalConfig: {
    jobs: Pick<BulkPushJobs, 'sweep' | 'prune'>;
    settings: { jobHeartbeatMs?: number };
  };
  dhcp: {
    applier?: Pick<DhcpApplier, 'applyIfChanged'>;
    settings: { debounceSeconds: number };
  };
}) {
  const { scheduler, settings, stores, logger } = deps;
  const bulkPushes = deps.finalConfig.jobs;
  const bulkPushHeartbeatMs =
    deps.finalConfig.settings.jobHeartbeatMs ?? BULK_PUSH_HEARTBEAT_MS;
  await scheduler.scheduleTask({
    id: 'ztp-catalog-sync',
    frequency: { seconds: settings.catalogSyncSeconds },
    timeout: { minutes: 5 },
    initialDelay: { seconds: settings.catalogSyncSeconds },
    fn: async () => {
      // Bounded by the sync's own time budget; the next run continues.
      await deps.sync.run();
    },
  });
  const applier = deps.dhcp.applier;
  if (applier) {
    // A global task: one replica applies at a time, and changes
    // within one interval reach Kea as one configuration.
    await scheduler.scheduleTask({
      id: DHCP_APPLY_TASK_ID,
      frequency: { seconds: deps.dhcp.settings.debounceSeconds },
      timeout: { minutes: 2 },
      fn: async () => {
        await applier.applyIfChanged();
      },
    });
  }
  await scheduler.scheduleTask({
    id: 'ztp-device-index-refresh',
    scope: 'local',
    frequency: { seconds: settings.indexRefreshSeconds },
    timeout: { minutes: 1 },
    fn: () => deps.doorView.refreshIfChanged(),
  });
  await scheduler.scheduleTask({
    id: 'ztp-serial-check-sweep',
    scope: 'local',
    frequency: { seconds: settings.serialCheck.sweepSeconds },
    timeout: { minutes: 10 },
    fn: async () => {
      await deps.serialChecks.sweep();
    },
  });
  // On every replica as well: each step is a compare-and-set (the push's
  // claim, the learned serial's), and a sweep waits for its pushes, so a
  // global lock held by a replica that died would stop every follow-up
  // for up to the task's timeout.
  await scheduler.scheduleTask({
    id: 'ztp-replacement-follow-up',
    scope: 'local',
    frequency: { seconds: settings.serialCheck.sweepSeconds },
    timeout: { minutes: 15 },
    fn: () => deps.replacementFollowUp.sweep(),
  });
  // The take-overs of jobs whose replica died run on every replica: each
  // job is taken by a compare-and-set, and a global task's lock held by
  // the replica that died would stop every other sweep until it expires.
  await scheduler.scheduleTask({
    id: 'ztp-bulk-push-sweep',
    scope: 'local',
    frequency: { milliseconds: bulkPushHeartbeatMs },
    timeout: { minutes: 1 },
    initialDelay: { milliseconds: bulkPushHeartbeatMs },
    fn: async () => {
      await bulkPushes.sweep();
    },
  });
  await scheduler.scheduleTask({
    id: 'ztp-replacement-jobs-sweep',
    scope: 'local',
    frequency: { milliseconds: REPLACEMENT_JOB_HEARTBEAT_MS },
    timeout: { minutes: 1 },
    fn: async () => {
      // Also after a restart: this replica resumes its own lists.
      await deps.replacementJobs.sweep();
    },
  });
  await scheduler.scheduleTask({
    id: 'ztp-declaration-problems-expiry',
    frequency: { minutes: 10 },
    timeout: { minutes: 1 },
    initialDelay: { minutes: 10 },
    fn: async () => {
      // Problems are reported again every 10 minutes while they last:
      // older ones belong to declarations the catalog no longer reads.
      await deps.stores.declarationProblems.prune(
        new Date(Date.now() - 3 * DECLARATION_REPORT_REFRESH_MS),
      );
    },
  });
  await scheduler.scheduleTask({
    id: 'ztp-cleanup',
    frequency: { hours: 24 },
    timeout: { minutes: 30 },
    initialDelay: { minutes: 5 },
    fn: async () => {
      const before = new Date(
        Date.now() - settings.eventRetentionDays * DAY_MS,
      );
      const events = await stores.events.pruneEvents(before);
      const probes = await stores.unknownDevices.pruneUnknownDevices(before);
      const jobs = await bulkPushes.prune(
        new Date(Date.now() - JOB_RETENTION_DAYS * DAY_MS),
      );
      logger.info(
        `ZTP cleanup: ${events} old timeline events, ${probes} unknown-device records and ${jobs} bulk pushes removed`,
      );
    },
  });
}
