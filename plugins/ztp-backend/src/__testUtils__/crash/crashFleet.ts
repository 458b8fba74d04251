import type { Entity } from '@backstage/catalog-model';
import { builtinPlatformDrivers } from '../builtinPlatforms';
import { deviceEntity } from '../fleet';

/** The catalog of the crash test: written by the test, read by the child. */
export const FLEET_FILE = 'fleet.json';

/** SQLite file of the ZTP plugin when backend.database.connection.directory is set. */
export const ZTP_SQLITE_FILE = 'ztp.sqlite';

export type CrashFleetDevice = { entityRef: string; mac: string };

/**
 * Devices for the crash test: one per index, platforms in turn, unique MACs
 * and management addresses on loopback. SSH port 1 (nothing listens there)
 * so the serial checks that fetches trigger fail at once.
 */
export function crashFleet(count: number): {
  entities: Entity[];
  devices: CrashFleetDevice[];
} {
  const entities: Entity[] = [];
  const devices: CrashFleetDevice[] = [];
  for (let i = 0; i < count; i++) {
    const name = `crash-${String(i).padStart(4, '0')}`;
    const mac = `52:54:00:c0:${hex(i >> 8)}:${hex(i & 0xff)}`;
    entities.push(
      deviceEntity(name, {
        'ztp.network/serial-number': `CRASH${String(i).padStart(6, '0')}`,
        'ztp.network/platform':
          builtinPlatformDrivers[i % builtinPlatformDrivers.length].id,
        'ztp.network/management-address': `127.0.${40 + (i >> 8)}.${
          (i & 0xff) + 1
        }/8`,
        'ztp.network/default-gateway': '127.0.0.254',
        'ztp.network/mac-address': mac,
        'ztp.network/hostname': name,
        'ztp.network/ssh-port': '1',
      }),
    );
    devices.push({ entityRef: `resource:default/${name}`, mac });
  }
  return { entities, devices };
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
