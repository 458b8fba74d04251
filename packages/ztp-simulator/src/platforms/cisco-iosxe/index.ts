import type { PlatformDefinition } from '../types';
import { IosXeSystem } from './IosXeSystem';
import { IOSXE_MODELS } from './models';

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
    path: `/ztp/boot/ztp-${encodeURIComponent(
      identity.declaredMac
        ? identity.declaredMac.replace(/[^0-9a-f]/gi, '').toLowerCase()
        : (identity.declaredHostname ?? '').toLowerCase(),
    )}.py`,
    headers: { 'User-Agent': 'Python-urllib/3.6', Accept: '*/*' },
  }),
  ztpAgent: 'guestshell',
  rebootsAfterZtp: false,
  cliErrorPattern:
    /^\s*% ?(?:Invalid|Incomplete|Ambiguous|Error|Please|Bad|Unknown)/im,
  createSystem: facts => {
    const model = IOSXE_MODELS[facts.model];
    if (!model) throw new Error(`Unknown IOS XE model ${facts.model}`);
    return new IosXeSystem(model, facts);
  },
};
