import { macBareUpper } from '../hardware';
import type { PlatformDefinition } from '../types';
import { NXOS_MODELS } from './models';
import { NxosSystem } from './NxosSystem';

/**
 * Cisco NX-OS. Its ZTP agent is POAP, which fetches the file the DHCP server
 * names after the MAC in bare upper-case hex (AABBCCDDEEFF.cfg).
 */
export const ciscoNxos: PlatformDefinition = {
  id: 'cisco-nxos',
  displayName: 'Cisco NX-OS',
  defaultModel: 'N9K-C93180YC-FX',
  models: Object.keys(NXOS_MODELS),
  pager: {
    prompt: () => ' --More-- ',
    erase: prompt => `\r${' '.repeat(prompt.length)}\r`,
  },
  execNewline: '\n',
  ztpRequest: identity => ({
    path: identity.declaredMac
      ? `/ztp/config/by-mac/${macBareUpper(identity.declaredMac)}.cfg`
      : `/ztp/config/by-hostname/${encodeURIComponent(
          identity.declaredHostname ?? '',
        )}.cfg`,
    headers: { 'User-Agent': 'curl/7.64.0', Accept: '*/*' },
  }),
  createSystem: facts => {
    const model = NXOS_MODELS[facts.model];
    if (!model) throw new Error(`Unknown NX-OS model ${facts.model}`);
    return new NxosSystem(model, facts);
  },
};
