import type { PlatformDefinition } from '../types';
import { JunosSystem } from './JunosSystem';
import { JUNOS_MODELS } from './models';

/**
 * Juniper Junos. Its ZTP fetches the configuration file DHCP option 43
 * names, here <hostname>.conf, with the FreeBSD fetch client.
 */
export const juniperJunos: PlatformDefinition = {
  id: 'juniper-junos',
  displayName: 'Juniper Junos',
  defaultModel: 'QFX5120-48Y-8C',
  models: Object.keys(JUNOS_MODELS),
  pager: {
    prompt: percent => `---(more ${percent}%)---`,
    erase: prompt => `\r${' '.repeat(prompt.length)}\r`,
  },
  execNewline: '\n',
  ztpRequest: identity => ({
    path: identity.declaredHostname
      ? `/ztp/config/by-hostname/${encodeURIComponent(
          identity.declaredHostname,
        )}.conf`
      : `/ztp/config/by-mac/${(
          identity.declaredMac ?? identity.baseMac
        ).replace(/:/g, '')}.conf`,
    headers: { 'User-Agent': 'fetch libfetch/2.0', Connection: 'close' },
  }),
  createSystem: facts => {
    const model = JUNOS_MODELS[facts.model];
    if (!model) throw new Error(`Unknown Junos model ${facts.model}`);
    return new JunosSystem(model, facts);
  },
};
