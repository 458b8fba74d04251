import { ConflictError, NotFoundError } from '@backstage/errors';
import type { ZtpSerialCheckResult } from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceRecord } from '../database/types';
import type { ZtpStores } from '../database/ZtpStores';
import { toZtpDevice } from '../deviceView';
import type { SerialCheckService } from '../serialChecks/SerialCheckService';

/**
 * After a host key mismatch (a device re-installed or zeroized has a new
 * key) an operator compares the fingerprints and accepts the new key: it
 * replaces the pinned one and the device is checked at once. Only the key
 * the operator saw is accepted, never one presented since.
 */
export class HostKeyAcceptance {
  constructor(
    private readonly deps: {
      stores: Pick<ZtpStores, 'devices' | 'events' | 'serialChecks'>;
      serialChecks: SerialCheckService;
      onChanged: (entityRef: string) => void;
    },
  ) {}

  /** The device, refused when it has no new key waiting, or another one than `fingerprint`. */
  async prepare(entityRef: string, fingerprint: string): Promise<DeviceRecord> {
    const device = await this.deps.stores.devices.getDevice(entityRef);
    if (!device) {
      throw new NotFoundError(`No device ${entityRef} in the ZTP queue`);
    }
    if (!device.presentedHostKey) {
      throw new ConflictError(
        `${entityRef} has presented no other host key than the pinned one (${
          device.hostKeyFingerprint ?? 'none pinned yet'
        }): there is nothing to accept`,
      );
    }
    if (device.presentedHostKey !== fingerprint) {
      throw this.changedAgain(entityRef, device.presentedHostKey);
    }
    return device;
  }

  async accept(request: {
    entityRef: string;
    fingerprint: string;
    actor: string;
  }): Promise<ZtpSerialCheckResult> {
    const { stores, serialChecks } = this.deps;
    const { entityRef, fingerprint, actor } = request;
    const device = await this.prepare(entityRef, fingerprint);
    const previous = device.hostKeyFingerprint ?? 'none';
    const accepted = await stores.serialChecks.acceptHostKey(
      entityRef,
      fingerprint,
      {
        entityRef,
        type: 'serial.host-key-accepted',
        actor,
        message: `New SSH host key ${fingerprint} accepted by ${actor} in place of ${previous}; the serial is checked again`,
        details: { previousHostKey: previous, acceptedHostKey: fingerprint },
      },
    );
    if (!accepted) {
      const current = await stores.devices.getDevice(entityRef);
      throw this.changedAgain(entityRef, current?.presentedHostKey);
    }
    this.deps.onChanged(entityRef);
    const result = await serialChecks.check(entityRef, actor);
    const after = (await stores.devices.getDevice(entityRef))!;
    const last = await stores.events.lastEvents([entityRef]);
    return {
      outcome: result?.outcome ?? after.serialState,
      reason:
        result?.reason ??
        (result
          ? undefined
          : 'A check of this device was already running; it is checked again next'),
      device: toZtpDevice(after, last.get(entityRef)),
    };
  }

  private changedAgain(entityRef: string, presented?: string) {
    return new ConflictError(
      presented
        ? `${entityRef} now presents host key ${presented}, not the one you accepted: compare it and accept again`
        : `${entityRef} has no new host key waiting anymore (accepted by someone else?): nothing was changed`,
    );
  }
}
