import { aristaEos } from './arista-eos';
import { ciscoIosXe } from './cisco-iosxe';
import { ciscoNxos } from './cisco-nxos';
import { juniperJunos } from './juniper-junos';
import type { PlatformDefinition, PlatformId } from './types';

const PLATFORMS: Record<PlatformId, PlatformDefinition> = {
  'cisco-iosxe': ciscoIosXe,
  'cisco-nxos': ciscoNxos,
  'arista-eos': aristaEos,
  'juniper-junos': juniperJunos,
};

export function getPlatform(id: string): PlatformDefinition {
  const platform = PLATFORMS[id as PlatformId];
  if (!platform) {
    throw new Error(
      `Unknown platform "${id}"; the simulator knows ${Object.keys(
        PLATFORMS,
      ).join(', ')}`,
    );
  }
  return platform;
}

export function listPlatforms(): PlatformDefinition[] {
  return Object.values(PLATFORMS);
}
