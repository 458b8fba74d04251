import type { Entity } from '@backstage/catalog-model';
import { NETWORK_DEVICE_TYPE } from '@ztp-portal/backstage-plugin-ztp-common';

/**
 * True for the entities the ZTP tab belongs on: Resources of spec.type
 * network-device. For the legacy EntitySwitch of an app's entity page.
 * @public
 */
export function isZtpDevice(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === NETWORK_DEVICE_TYPE
  );
}
