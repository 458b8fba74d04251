import { macDotted } from '../hardware';
import type { PlatformDefinition } from '../types';
import { IosXeSystem } from './IosXeSystem';
import { IOSXE_MODELS } from './models';

/**
 * Cisco IOS XE. Its ZTP agent is the guest-shell Python script that fetches
 * the per-device file a DHCP server names after the MAC (aabb.ccdd.eeff.cfg).
 */
export const ciscoIosXe: PlatformDefinition = {
  id: 'cisco-iosxe',
  displayName: 'Cisco IOS XE',
  defaultModel: 'C9300-48P',
  models: Object.keys(IOSXE_MODELS),
  pager: {
    prompt: () => ' --More-- ',
    erase: prompt =>
      '\b'.repeat(prompt.length) +
      ' '.repeat(prompt.length) +
      '\b'.repeat(prompt.length),
  },
  execNewline: '\r\n',
  ztpRequest: identity => ({
    path: identity.declaredMac
      ? `/ztp/config/by-mac/${macDotted(identity.declaredMac)}.cfg`
      : `/ztp/config/by-hostname/${encodeURIComponent(
          identity.declaredHostname ?? '',
        )}.cfg`,
    headers: { 'User-Agent': 'Python-urllib/3.6', Accept: '*/*' },
  }),
  createSystem: facts => {
    const model = IOSXE_MODELS[facts.model];
    if (!model) throw new Error(`Unknown IOS XE model ${facts.model}`);
    return new IosXeSystem(model, facts);
  },
};
