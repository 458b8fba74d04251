import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  normalizeSerial,
  serialsMatch,
  validateSerial,
  type ZtpSerialCheckResult,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceRecord } from '../database/types';
import type { ZtpStores } from '../database/ZtpStores';
import { toZtpDevice } from '../deviceView';
import type { SerialCheckService } from '../serialChecks/SerialCheckService';

export type SerialCorrectionRequest = {
  entityRef: string;
  /** The New Serial, as typed. */
  newSerial: string;
  /**
   * The Wrong serial the operator saw and means to replace: a correction
   * made by someone else since then is not overwritten.
   */
  wrongSerial?: string;
  /** The user making the correction. */
  actor: string;
};

/**
 * An operator replaces a device's expected serial (the Wrong serial) with
 * the one the device really has, then the device is checked at once. Of two
 * corrections of the same value, from one replica or two, one wins; the
 * other is refused with the value that won.
 */
export class SerialCorrection {
  constructor(
    private readonly deps: {
      stores: Pick<
        ZtpStores,
        'devices' | 'events' | 'serialCorrections' | 'serialChecks'
      >;
      serialChecks: SerialCheckService;
      catalog: CatalogService;
      auth: { getOwnServiceCredentials(): Promise<BackstageCredentials> };
      logger: LoggerService;
      onChanged: (entityRef: string) => void;
    },
  ) {}

  /** Validates without changing anything: what the audit records as attempted. */
  async prepare(request: SerialCorrectionRequest): Promise<{
    device: DeviceRecord;
    newSerial: string;
  }> {
    const { stores } = this.deps;
    const newSerial = request.newSerial.trim();
    const problem = validateSerial(newSerial);
    if (problem) throw new InputError(problem);
    const device = await stores.devices.getDevice(request.entityRef);
    if (!device) {
      throw new NotFoundError(
        `No device ${request.entityRef} in the ZTP queue`,
      );
    }
    const holder = (await stores.devices.listActiveDevices()).find(
      d =>
        d.entityRef !== request.entityRef &&
        serialsMatch(d.expectedSerial, newSerial),
    );
    if (holder) {
      throw new InputError(
        `Serial ${normalizeSerial(newSerial)} is already the serial of ${
          holder.entityRef
        }`,
      );
    }
    return { device, newSerial };
  }

  async correct(
    request: SerialCorrectionRequest,
    prepared?: { device: DeviceRecord; newSerial: string },
  ): Promise<ZtpSerialCheckResult> {
    const { stores, serialChecks } = this.deps;
    const { entityRef, actor, wrongSerial } = request;
    const { device, newSerial } = prepared ?? (await this.prepare(request));
    const replaced =
      wrongSerial !== undefined &&
      !serialsMatch(device.expectedSerial, wrongSerial);
    if (replaced && !serialsMatch(device.expectedSerial, newSerial)) {
      throw this.conflict(device);
    }
    if (!serialsMatch(device.expectedSerial, newSerial)) {
      const saved = await stores.serialCorrections.saveSerialCorrection(
        {
          entityRef,
          serial: newSerial,
          previousSerial: device.declaredSerial,
          correctedBy: actor,
          correctedAt: new Date(),
        },
        device.expectedSerial,
        {
          entityRef,
          type: 'serial.corrected',
          actor,
          message: `Expected serial changed from ${device.expectedSerial} to ${newSerial} by ${actor}. The catalog shows the new serial; the declaration's source file still holds ${device.declaredSerial} until someone changes it there`,
          details: { previousSerial: device.expectedSerial, newSerial },
        },
      );
      if (!saved) {
        const current = await stores.devices.getDevice(entityRef);
        // The same correction, made twice at once: done either way.
        if (!current || !serialsMatch(current.expectedSerial, newSerial)) {
          throw this.conflict(current ?? device);
        }
      } else {
        this.deps.onChanged(entityRef);
        this.refreshCatalog(entityRef);
      }
    }
    const result = await serialChecks.check(entityRef, actor);
    const after = await stores.devices.getDevice(entityRef);
    const last = await stores.events.lastEvents([entityRef]);
    return {
      outcome: result?.outcome ?? after!.serialState,
      reason:
        result?.reason ??
        (result
          ? undefined
          : 'A check of this device was already running; the corrected serial is checked next'),
      device: toZtpDevice(after!, last.get(entityRef)),
    };
  }

  private conflict(current: DeviceRecord): ConflictError {
    return new ConflictError(
      `The expected serial of ${current.entityRef} is now ${current.expectedSerial}: someone corrected it while you did. Nothing was changed; correct it again if ${current.expectedSerial} is wrong too`,
    );
  }

  /** Lets the catalog processor put the corrected serial on the entity now. */
  private refreshCatalog(entityRef: string) {
    const { catalog, auth, logger } = this.deps;
    auth
      .getOwnServiceCredentials()
      .then(credentials => catalog.refreshEntity(entityRef, { credentials }))
      .catch(error =>
        logger.warn(`Could not refresh ${entityRef} in the catalog: ${error}`),
      );
  }
}
