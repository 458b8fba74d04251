import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_SERIAL_CORRECTED_FROM,
  serialsMatch,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeclaredDevice, SerialCorrection } from '../database/types';

/**
 * The serial the queue expects of a declared device, given an operator's
 * correction of it (if any): the correction wins over the temporary serial
 * still in the declaration's source file; a new declaration of another
 * serial wins over the correction.
 */
export function resolveExpectedSerial(
  entity: Entity,
  declared: DeclaredDevice,
  correction: SerialCorrection | undefined,
): string {
  const correctedFrom =
    entity.metadata.annotations?.[ANNOTATION_SERIAL_CORRECTED_FROM];
  return correction &&
    (serialsMatch(declared.declaredSerial, correction.previousSerial) ||
      serialsMatch(declared.declaredSerial, correction.serial) ||
      (correctedFrom && serialsMatch(correctedFrom, correction.previousSerial)))
    ? correction.serial
    : declared.declaredSerial;
}
