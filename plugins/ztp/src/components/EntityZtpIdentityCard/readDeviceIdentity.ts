import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_DEFAULT_GATEWAY,
  ANNOTATION_HOSTNAME,
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_MANAGEMENT_ADDRESS,
  ANNOTATION_MANAGEMENT_INTERFACE,
  ANNOTATION_MANAGEMENT_VRF,
  ANNOTATION_PLATFORM,
  ANNOTATION_ROLE,
  ANNOTATION_SERIAL,
  ANNOTATION_SERIAL_CORRECTED_FROM,
  ANNOTATION_SERIAL_TEMPORARY,
  ANNOTATION_SITE,
  ANNOTATION_SSH_PORT,
  ANNOTATION_VARIABLES,
} from '@ztp-portal/backstage-plugin-ztp-common';

/**
 * A device's ZTP identity as its catalog entity declares it, values as
 * written (the catalog processor reports malformed ones, so nothing is
 * validated here). Blank annotations count as absent.
 */
export type DeviceIdentity = {
  serial?: string;
  serialTemporary: boolean;
  /** The declared serial an operator replaced with the verified one. */
  serialCorrectedFrom?: string;
  /** Platform id, e.g. cisco-iosxe. */
  platform?: string;
  managementAddress?: string;
  /** Declared only when not the platform's usual port / VRF. */
  managementInterface?: string;
  managementVrf?: string;
  defaultGateway?: string;
  macAddress?: string;
  hostname?: string;
  /** As declared; absent means the default port, 22. */
  sshPort?: string;
  site?: string;
  role?: string;
  /** Location of the final configuration's variables file. */
  variables?: string;
};

/** Reads the ztp.network/ annotations of a device's entity. */
export function readDeviceIdentity(entity: Entity): DeviceIdentity {
  const annotations = entity.metadata.annotations ?? {};
  const read = (name: string) => annotations[name]?.trim() || undefined;
  return {
    serial: read(ANNOTATION_SERIAL),
    serialTemporary: read(ANNOTATION_SERIAL_TEMPORARY) === 'true',
    serialCorrectedFrom: read(ANNOTATION_SERIAL_CORRECTED_FROM),
    platform: read(ANNOTATION_PLATFORM),
    managementAddress: read(ANNOTATION_MANAGEMENT_ADDRESS),
    managementInterface: read(ANNOTATION_MANAGEMENT_INTERFACE),
    managementVrf: read(ANNOTATION_MANAGEMENT_VRF),
    defaultGateway: read(ANNOTATION_DEFAULT_GATEWAY),
    macAddress: read(ANNOTATION_MAC_ADDRESS),
    hostname: read(ANNOTATION_HOSTNAME),
    sshPort: read(ANNOTATION_SSH_PORT),
    site: read(ANNOTATION_SITE),
    role: read(ANNOTATION_ROLE),
    variables: read(ANNOTATION_VARIABLES),
  };
}
