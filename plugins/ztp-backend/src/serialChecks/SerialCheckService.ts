import { randomBytes } from 'node:crypto';
import type { LoggerService } from '@backstage/backend-plugin-api';
import DataLoader from 'dataloader';
import pLimit from 'p-limit';
import {
  SerialState,
  serialsMatch,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type {
  DeviceRecord,
  NewEvent,
  SerialCheckCompletion,
} from '../database/types';
import type { ZtpStores } from '../database/ZtpStores';
import type { CredentialVault } from '../credentials/CredentialVault';
import {
  managementNetworkRefusal,
  OpenDeviceCli,
  openQueuedDeviceSession,
} from '../deviceSessions';
import { presentedHostKeyOf } from '../ssh/errors';
import type { PlatformRegistry } from '../platforms/PlatformRegistry';
import { readRunningVersion } from './readRunningVersion';
import { retryDelayMs, type RetrySettings } from './retryDelay';

export type SerialCheckSettings = {
  /** Checks running at once; one slow device never holds the others up. */
  concurrency: number;
  connectTimeoutMs: number;
  /** Whole check, login to last output. */
  deadlineMs: number;
  /** CIDRs the backend may connect to; anything else is refused. */
  managementNetworks: string[];
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
} & Partial<Pick<RetrySettings, 'bootWindowMs' | 'bootRetryMaxDelayMs'>>;

export type SerialCheckResult = {
  outcome: SerialState;
  reason?: string;
  /** False when the check ended without logging in to the device. */
  loggedIn?: boolean;
};

type Failure = {
  reason: string;
  retry: boolean;
  /** Nothing answered the connection (refused, no route): still booting? */
  nothingListens?: boolean;
};

/** Maps the SSH layer's and drivers' errors to the timeline's reasons. */
export function classifyFailure(error: unknown): Failure {
  const e = error as Error;
  const detail = e?.message ?? String(error);
  switch (e?.name) {
    case 'SshUnreachableError':
      return {
        reason: `unreachable: ${detail}`,
        retry: true,
        nothingListens: true,
      };
    case 'SshTimeoutError':
      return { reason: `timed out: ${detail}`, retry: true };
    case 'SshAuthError':
      // The device may not have applied its configuration yet.
      return { reason: `authentication refused: ${detail}`, retry: true };
    case 'HostKeyMismatchError':
      // Never trust a new key silently: an operator must look.
      return { reason: `host key changed: ${detail}`, retry: false };
    case 'SerialParseError':
      return { reason: `output not understood: ${detail}`, retry: false };
    default:
      return { reason: `check failed: ${detail}`, retry: true };
  }
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/**
 * Logs in to devices over SSH with their local account, reads the chassis
 * serial through the platform driver and compares it with the expected one.
 * Checks are claimed through a lease in the database, so several replicas
 * sharing one database check a device once per trigger.
 */
export class SerialCheckService {
  private readonly limit: pLimit.Limit;
  private readonly owner = `ztp-${randomBytes(6).toString('hex')}`;
  private stopped = false;

  constructor(
    private readonly deps: {
      stores: Pick<ZtpStores, 'devices' | 'serialChecks'>;
      vault: CredentialVault;
      platforms: PlatformRegistry;
      openCli: OpenDeviceCli;
      logger: LoggerService;
      settings: SerialCheckSettings;
      onChanged: (entityRef: string) => void;
    },
  ) {
    this.limit = pLimit(deps.settings.concurrency);
    // Leases and outcomes of the checks that start or end in the same turn
    // of the event loop share one transaction: in a boot storm hundreds of
    // checks a second fail fast (SSH not up yet), and one write transaction
    // each would keep the database's write lock busy for the device door.
    const batching = {
      cache: false,
      maxBatchSize: 500,
      batchScheduleFn: (run: () => void) => setImmediate(run),
    };
    const checks = deps.stores.serialChecks;
    const claimer = (onlyIfDue: boolean) =>
      new DataLoader<string, DeviceRecord | undefined>(refs => {
        const now = new Date();
        const s = deps.settings;
        const leaseUntil = new Date(
          now.getTime() + s.deadlineMs + s.connectTimeoutMs + 5000,
        );
        return checks.claimSerialChecks(refs, this.owner, now, leaseUntil, {
          onlyIfDue,
        });
      }, batching);
    // An explicit check (a person's "Check serial now", host-key
    // acceptance's check at once) runs whenever the lease is free; an
    // automatic one only while the device still needs it (the first-fetch
    // trigger and the sweep may both have queued it).
    this.claims = claimer(false);
    this.dueClaims = claimer(true);
    this.completions = new DataLoader(async items => {
      await checks.completeSerialChecks(items);
      return items.map(() => true);
    }, batching);
  }

  private readonly claims: DataLoader<string, DeviceRecord | undefined>;
  private readonly dueClaims: DataLoader<string, DeviceRecord | undefined>;
  private readonly completions: DataLoader<SerialCheckCompletion, true>;

  /** Checks running or waiting for a slot in this process. */
  get pending(): number {
    return this.limit.activeCount + this.limit.pendingCount;
  }

  get active(): number {
    return this.limit.activeCount;
  }

  private readonly scheduled = new Set<string>();

  /**
   * Checks a device after delayMs, in the background. A device that asks
   * again while its check is pending gets no second one: booting devices
   * retry their fetches, and each check costs a login.
   */
  trigger(entityRef: string, delayMs = 0) {
    if (this.scheduled.has(entityRef)) return;
    this.scheduled.add(entityRef);
    setTimeout(() => {
      void this.checkIfDue(entityRef)
        .catch(error =>
          this.deps.logger.error(
            `Serial check of ${entityRef} failed: ${error}`,
          ),
        )
        .finally(() => this.scheduled.delete(entityRef));
    }, delayMs).unref();
  }

  /** Runs every check that is due (retries with backoff, missed triggers). */
  async sweep(batch = 200): Promise<number> {
    const due = await this.deps.stores.serialChecks.listDueSerialChecks(
      new Date(),
      batch,
    );
    await Promise.all(due.map(ref => this.checkIfDue(ref)));
    return due.length;
  }

  stop() {
    this.stopped = true;
    this.limit.clearQueue();
  }

  /**
   * Checks one device now and resolves with the outcome. Undefined when
   * another worker holds the device's lease (its result will be published).
   */
  check(
    entityRef: string,
    actor: string,
  ): Promise<SerialCheckResult | undefined> {
    return this.limit(() => this.run(entityRef, actor, this.claims));
  }

  /**
   * An automatic check (what a trigger and the sweep run): only if the
   * device still needs one when its turn comes (Loaded, not Checked, due),
   * so a device queued twice is checked once. Undefined when it did not.
   */
  checkIfDue(entityRef: string): Promise<SerialCheckResult | undefined> {
    return this.limit(() => this.run(entityRef, 'system', this.dueClaims));
  }

  private async run(
    entityRef: string,
    actor: string,
    claims: DataLoader<string, DeviceRecord | undefined>,
  ): Promise<SerialCheckResult | undefined> {
    if (this.stopped) return undefined;
    const { settings } = this.deps;
    // The lease and the device's current record in one statement.
    const device = await claims.load(entityRef);
    if (!device) return undefined;
    // A retry after the same failure as before is not news: the timeline
    // and the live view hear of it on attempts 1, 2, 4, 8... and whenever
    // the outcome changes, so a fleet of devices whose SSH is not up yet
    // does not flood either.
    const quietRetry = (outcome: { state: SerialState; reason?: string }) =>
      actor === 'system' &&
      outcome.state === 'not-checked' &&
      device.serialState === 'not-checked' &&
      outcome.reason === device.serialReason &&
      !isPowerOfTwo(device.serialAttempts + 1);
    // "Checking…" is shown for checks a person asked for; automatic checks
    // publish their outcome only, which halves the signals of a boot storm.
    if (actor !== 'system') this.deps.onChanged(entityRef);

    const finish = async (
      outcome: {
        state: SerialState;
        presentedSerial?: string;
        reason?: string;
        hostKeyFingerprint?: string;
        presentedHostKey?: string;
        nextCheckAt?: Date;
      },
      event: Omit<NewEvent, 'entityRef' | 'actor'>,
    ) => {
      const quiet = quietRetry(outcome);
      await this.completions.load({
        entityRef,
        owner: this.owner,
        outcome: { ...outcome, comparedWith: device.expectedSerial },
        event: quiet
          ? undefined
          : { ...event, entityRef, actor, at: new Date() },
      });
      if (!quiet) this.deps.onChanged(entityRef);
      return { outcome: outcome.state, reason: outcome.reason };
    };

    if (device.confFinalState === 'pushed') {
      return this.refuseProvisioned(device, actor);
    }

    const refusal = managementNetworkRefusal(
      device.managementIp,
      settings.managementNetworks,
    );
    if (refusal) {
      return finish(
        { state: 'not-checked', reason: refusal },
        {
          type: 'serial.check-failed',
          message: `Serial not checked: ${refusal}`,
        },
      );
    }

    try {
      const { serial, hostKeyFingerprint, software } = await this.readSerial(
        device,
      );
      if (serialsMatch(serial, device.expectedSerial)) {
        // Only the identified device's version is its own.
        if (software) {
          await this.deps.stores.devices.recordSoftwareVersion(
            entityRef,
            software,
          );
        }
        return await finish(
          { state: 'checked', presentedSerial: serial, hostKeyFingerprint },
          {
            type: 'serial.checked',
            message: `Serial ${serial} verified over SSH (logged in as the bootstrap account ${
              device.localUsername
            }): the device is identified${
              software
                ? `; it runs ${software.version}${
                    software.model ? ` (${software.model})` : ''
                  }`
                : ''
            }`,
            details: {
              presentedSerial: serial,
              ...(software && { runningVersion: software.version }),
            },
          },
        );
      }
      return await finish(
        { state: 'mismatch', presentedSerial: serial, hostKeyFingerprint },
        {
          type: 'serial.mismatch',
          message: `Mismatch: the device presents serial ${serial}, the catalog expects ${device.expectedSerial}`,
          details: {
            presentedSerial: serial,
            expectedSerial: device.expectedSerial,
          },
        },
      );
    } catch (error) {
      const failure = classifyFailure(error);
      const delay = retryDelayMs(
        {
          bootWindowMs: 0,
          bootRetryMaxDelayMs: settings.retryMaxDelayMs,
          ...settings,
        },
        device.serialAttempts,
        failure,
        device.confMinLoadedAt,
        Date.now(),
      );
      const nextCheckAt = failure.retry
        ? new Date(Date.now() + delay)
        : undefined;
      // Kept so an operator can compare it with the pinned one and accept it.
      const presentedHostKey = presentedHostKeyOf(error);
      return finish(
        {
          state: 'not-checked',
          reason: failure.reason,
          nextCheckAt,
          presentedHostKey,
        },
        {
          type: 'serial.check-failed',
          message: `Serial not checked: ${failure.reason}${
            nextCheckAt
              ? ` (attempt ${
                  device.serialAttempts + 1
                }; login as the bootstrap account ${
                  device.localUsername
                }; next try in ${(delay / 1000).toFixed(1)} s)`
              : ` (login as the bootstrap account ${device.localUsername})`
          }`,
          ...(presentedHostKey && {
            details: {
              pinnedHostKey: device.hostKeyFingerprint,
              presentedHostKey,
            },
          }),
        },
      );
    }
  }

  /**
   * A Provisioned device is never logged in to: Conf Final removed the
   * bootstrap account, and the final configuration's accounts are defined
   * by their hashes only, so the portal holds no credentials the device
   * accepts. Trying anyway would be a stream of failed logins against a
   * production device (AAA alarms, lockouts). The check ends at once, with
   * no retry, the serial state kept, and says so.
   */
  private async refuseProvisioned(
    device: DeviceRecord,
    actor: string,
  ): Promise<SerialCheckResult> {
    const reason = `no login attempted: ${device.entityRef} is Provisioned. Conf Final removed the bootstrap account ${device.localUsername}, and the portal holds no password of the accounts the final configuration defines`;
    await this.deps.stores.serialChecks.releaseSerialCheck(
      device.entityRef,
      this.owner,
      actor === 'system'
        ? undefined
        : {
            entityRef: device.entityRef,
            type: 'serial.check-refused',
            actor,
            message: `Serial not checked again: ${reason}`,
          },
    );
    this.deps.onChanged(device.entityRef);
    return { outcome: device.serialState, reason, loggedIn: false };
  }

  private async readSerial(device: DeviceRecord) {
    const driver = this.deps.platforms.require(device.platform);
    const session = await openQueuedDeviceSession(device, driver, this.deps);
    try {
      const serial = await driver.readSerial(session.cli);
      const software = await readRunningVersion(driver, session.cli);
      return {
        serial,
        hostKeyFingerprint: session.hostKeyFingerprint,
        software,
      };
    } finally {
      session.close();
    }
  }
}
