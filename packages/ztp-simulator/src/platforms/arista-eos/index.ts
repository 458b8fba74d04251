import type { PlatformDefinition } from '../types';
import { EosSystem } from './EosSystem';
import { EOS_MODELS } from './models';
import { EOS_VERSION } from './outputs';

/**
 * Arista EOS. Its ZeroTouch agent asks one URL for every switch and
 * identifies itself with X-Arista-* headers (system MAC, serial, SKU...).
 */
export const aristaEos: PlatformDefinition = {
  id: 'arista-eos',
  displayName: 'Arista EOS',
  defaultModel: 'DCS-7050SX3-48YC8',
  models: Object.keys(EOS_MODELS),
  pager: {
    prompt: () => ' --More-- ',
    erase: prompt => `\r${' '.repeat(prompt.length)}\r`,
  },
  execNewline: '\n',
  ztpRequest: identity => {
    const model = EOS_MODELS[identity.model];
    const headers: Record<string, string> = {
      'User-Agent': 'python-requests/2.25.1',
      Accept: '*/*',
      'X-Arista-Serial': identity.serial,
      'X-Arista-SKU': identity.model,
      'X-Arista-SoftwareVersion': EOS_VERSION,
      'X-Arista-HardwareVersion': model?.hardwareVersion ?? '11.00',
      'X-Arista-Architecture': model?.architecture ?? 'i686',
      // The agent always reports the switch's own system MAC.
      'X-Arista-SystemMAC': identity.baseMac,
    };
    return { path: '/ztp/config', headers };
  },
  ztpAgent: 'zerotouch',
  // A fetched script runs and the switch reboots when it exits 0; any other
  // file becomes the startup-config, and the switch reboots into it.
  rebootsAfterZtp: true,
  cliErrorPattern:
    /^\s*% ?(?:Invalid|Incomplete|Ambiguous|Unavailable|Error)/im,
  createSystem: facts => {
    const model = EOS_MODELS[facts.model];
    if (!model) throw new Error(`Unknown EOS model ${facts.model}`);
    return new EosSystem(model, facts);
  },
};
