import type { PlatformDefinition } from '../types';
import { JunosSystem } from './JunosSystem';
import { JUNOS_MODELS } from './models';

/**
 * Juniper Junos. Its ZTP fetches the configuration file DHCP option 43
 * names (here junos-<mac or hostname>.conf on the door) with the FreeBSD
 * fetch client and commits it.
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
    path: `/ztp/boot/junos-${encodeURIComponent(
      identity.declaredMac
        ? identity.declaredMac.replace(/[^0-9a-f]/gi, '').toLowerCase()
        : (identity.declaredHostname ?? '').toLowerCase(),
    )}.conf`,
    headers: { 'User-Agent': 'fetch libfetch/2.0', Connection: 'close' },
  }),
  ztpAgent: 'config',
  rebootsAfterZtp: false,
  cliErrorPattern: /^\s*(?:error:|syntax error|unknown command)/im,
  createSystem: facts => {
    const model = JUNOS_MODELS[facts.model];
    if (!model) throw new Error(`Unknown Junos model ${facts.model}`);
    return new JunosSystem(model, facts);
  },
};
