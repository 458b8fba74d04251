import { createHash } from 'node:crypto';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  parseDeviceAnnotations,
  type DevicePlatform,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeclaredDevice } from '../database/types';

/** Reads a catalog entity as a queue declaration; undefined when invalid. */
export function declarationFromEntity(
  entity: Entity,
  platforms: readonly DevicePlatform[],
): DeclaredDevice | undefined {
  const parsed = parseDeviceAnnotations(
    entity.metadata.annotations ?? {},
    platforms,
  );
  if (!parsed.ok) return undefined;
  const d = parsed.declaration;
  const declared: Omit<DeclaredDevice, 'declarationHash'> = {
    entityRef: stringifyEntityRef(entity).toLocaleLowerCase('en-US'),
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
    title: entity.metadata.title,
    site: d.site,
    role: d.role,
    platform: d.platform,
    managementAddress: d.managementAddress,
    managementIp: d.managementIp,
    managementInterface: d.managementInterface,
    managementVrf: d.managementVrf,
    defaultGateway: d.defaultGateway,
    sshPort: d.sshPort,
    macAddress: d.macAddress,
    switchPort: d.switchPort,
    hostname: d.hostname ?? entity.metadata.name,
    declaredSerial: d.serial,
    serialTemporary: d.serialTemporary,
  };
  return {
    ...declared,
    declarationHash: createHash('sha1')
      .update(JSON.stringify(declared))
      .digest('hex'),
  };
}
