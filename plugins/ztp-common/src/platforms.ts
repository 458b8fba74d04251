/** Platforms whose drivers ship with the ZTP backend. @public */
export const BUILTIN_PLATFORMS = [
  { id: 'cisco-iosxe', displayName: 'Cisco IOS XE' },
  { id: 'cisco-nxos', displayName: 'Cisco NX-OS' },
  { id: 'arista-eos', displayName: 'Arista EOS' },
  { id: 'juniper-junos', displayName: 'Juniper Junos' },
] as const;

/** @public */
export type BuiltinPlatformId = (typeof BUILTIN_PLATFORMS)[number]['id'];

/** Display name of a platform id, or the id itself for add-on platforms. @public */
export function platformDisplayName(id: string): string {
  return BUILTIN_PLATFORMS.find(p => p.id === id)?.displayName ?? id;
}
