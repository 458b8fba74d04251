import { ConflictError, NotFoundError } from '@backstage/errors';
import type { DeviceRecord } from '../database/types';

/**
 * Why a device's own state forbids a push (not in the queue, left the
 * catalog, not Checked, already Provisioned), or undefined.
 */
export function pushStanding(
  device: DeviceRecord | undefined,
  entityRef: string,
): Error | undefined {
  if (!device)
    return new NotFoundError(`No device ${entityRef} in the ZTP queue`);
  if (!device.inCatalog) {
    return new ConflictError(
      `${entityRef} left the catalog; its configuration is not pushed`,
    );
  }
  if (device.serialState !== 'checked') {
    return new ConflictError(
      `Conf Final (Push) needs a Checked serial: ${entityRef} is ${
        device.serialState === 'mismatch' ? 'in Mismatch' : 'Not Checked'
      }. The push logs in with the bootstrap account, only to identified devices`,
    );
  }
  if (device.confFinalState === 'pushed') {
    return new ConflictError(
      `${entityRef} is already Provisioned: its push removed the bootstrap account, so the portal can no longer log in to it`,
    );
  }
  return undefined;
}
