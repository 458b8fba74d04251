import type {
  ZtpDevice,
  ZtpEvent,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceRecord, EventRecord } from './database/types';
import { stuckFlag } from './replacement/stuck';

export function toZtpEvent(e: EventRecord): ZtpEvent {
  return {
    id: e.id,
    entityRef: e.entityRef,
    at: e.at.toISOString(),
    type: e.type,
    actor: e.actor,
    message: e.message,
    ...(e.details ? { details: e.details } : {}),
  };
}

/** The API's view of a device: no password, no internal scheduling fields. */
export function toZtpDevice(
  d: DeviceRecord,
  lastEvent?: EventRecord,
  now: Date = new Date(),
  /** ztp.stuck.afterMinutes in ms: the stuck flag is computed when given. */
  stuckAfterMs?: number,
): ZtpDevice {
  const iso = (v?: Date) => v?.toISOString();
  return {
    entityRef: d.entityRef,
    namespace: d.namespace,
    name: d.name,
    title: d.title,
    site: d.site,
    role: d.role,
    platform: d.platform,
    managementAddress: d.managementAddress,
    managementIp: d.managementIp,
    defaultGateway: d.defaultGateway,
    sshPort: d.sshPort,
    macAddress: d.macAddress,
    hostname: d.hostname,
    expectedSerial: d.expectedSerial,
    serialTemporary: d.serialTemporary,
    inCatalog: d.inCatalog,
    confMin: {
      state: d.confMinState,
      loadedAt: iso(d.confMinLoadedAt),
      loadedFrom: d.confMinLoadedFrom,
      fetchCount: d.confMinFetchCount,
    },
    serial: {
      state: d.serialState,
      presentedSerial: d.presentedSerial ?? d.headerSerial,
      checkedAt: iso(d.serialCheckedAt),
      reason: d.serialReason,
      checking: Boolean(d.serialLeaseUntil && d.serialLeaseUntil > now),
      attempts: d.serialAttempts,
      hostKeyFingerprint: d.hostKeyFingerprint,
      presentedHostKeyFingerprint: d.presentedHostKey,
    },
    confFinal: {
      state: d.confFinalState,
      pushedAt: iso(d.confFinalPushedAt),
      error: d.confFinalError,
    },
    localUsername: d.localUsername,
    ...(d.replacement && { replacement: d.replacement }),
    ...(stuckAfterMs !== undefined && {
      stuck: stuckFlag(d, lastEvent?.at, stuckAfterMs, now),
    }),
    software: d.runningVersion
      ? {
          runningVersion: d.runningVersion,
          model: d.deviceModel,
          readAt: iso(d.versionReadAt),
        }
      : undefined,
    lastEvent: lastEvent ? toZtpEvent(lastEvent) : undefined,
    updatedAt: d.updatedAt.toISOString(),
  };
}
