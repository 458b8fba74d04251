import fs from 'node:fs';
import path from 'node:path';
import { ANNOTATION_LOCATION, Entity } from '@backstage/catalog-model';
import { parseDeviceAnnotations } from '@ztp-portal/backstage-plugin-ztp-common';
import yaml from 'yaml';
import type { FinalConfigDevice } from '../model';
import { builtinPlatformDrivers } from '../../__testUtils__/builtinPlatforms';

/** examples/fleet of the repository. */
export const FLEET_DIRECTORY = path.resolve(
  __dirname,
  '../../../../../examples/fleet',
);

function readEntities(file: string): Entity[] {
  const location = `file:${path.join(FLEET_DIRECTORY, file)}`;
  return yaml
    .parseAllDocuments(
      fs.readFileSync(path.join(FLEET_DIRECTORY, file), 'utf8'),
    )
    .map(doc => doc.toJS() as Entity)
    .filter(Boolean)
    .map(entity => ({
      ...entity,
      metadata: {
        namespace: 'default',
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          [ANNOTATION_LOCATION]: location,
        },
      },
    }));
}

/** The example fleet's devices and systems, as the catalog serves them. */
export function exampleFleetEntities(): Entity[] {
  return [...readEntities('systems.yaml'), ...readEntities('devices.yaml')];
}

export function exampleDevices(): Entity[] {
  return exampleFleetEntities().filter(
    e => (e.spec as { type?: string } | undefined)?.type === 'network-device',
  );
}

/** The device as the ZTP queue would hold it, with a bootstrap account. */
export function fleetDevice(
  entity: Entity,
  localUsername = 'ztp-a1b2c3',
): FinalConfigDevice {
  const parsed = parseDeviceAnnotations(
    entity.metadata.annotations ?? {},
    builtinPlatformDrivers,
  );
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const d = parsed.declaration;
  return {
    entityRef: `resource:default/${entity.metadata.name}`,
    name: entity.metadata.name,
    namespace: 'default',
    hostname: d.hostname ?? entity.metadata.name,
    platform: d.platform,
    role: d.role,
    site: d.site,
    managementAddress: d.managementAddress,
    managementInterface: d.managementInterface,
    managementVrf: d.managementVrf,
    defaultGateway: d.defaultGateway,
    localUsername,
  };
}
