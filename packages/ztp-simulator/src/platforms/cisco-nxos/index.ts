import type { PlatformDefinition } from '../types';
import { NXOS_MODELS } from './models';
import { NxosSystem } from './NxosSystem';

/**
 * Cisco NX-OS. POAP downloads the script DHCP option 67 names (poap.py),
 * refuses it unless its #md5sum line matches, runs it with NX-OS's cli
 * module and reboots into the configuration it scheduled.
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
  ztpRequest: () => ({
    path: '/ztp/boot/poap.py',
    headers: { 'User-Agent': 'curl/7.64.0', Accept: '*/*' },
  }),
  ztpAgent: 'poap',
  rebootsAfterZtp: true,
  cliErrorPattern: /^\s*% ?(?:Invalid|Incomplete|Ambiguous|Permission)/im,
  createSystem: facts => {
    const model = NXOS_MODELS[facts.model];
    if (!model) throw new Error(`Unknown NX-OS model ${facts.model}`);
    return new NxosSystem(model, facts);
  },
};
