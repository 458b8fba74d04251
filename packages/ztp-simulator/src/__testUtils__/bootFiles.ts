import { createHash } from 'node:crypto';
import type { PlatformId } from '../platforms/types';

/**
 * What a provisioning server hands each platform's ZTP agent for a given
 * configuration, written for the simulator's own tests (the backend renders
 * its own): IOS XE a Guest Shell script, NX-OS a POAP script with its md5
 * line that stages conf.cfg, EOS and Junos the configuration itself.
 */
export function bootFileFor(
  platform: PlatformId,
  config: string,
  serverUrl: string,
): Record<string, string> {
  const literal = JSON.stringify(config);
  switch (platform) {
    case 'cisco-iosxe':
      return {
        script: `import cli\ncli.configure(${literal})\nprint(cli.execute("write memory"))\n`,
      };
    case 'cisco-nxos': {
      const body = `#!/bin/env python3
from cli import cli
print(cli("copy ${serverUrl}/conf.cfg bootflash:conf.cfg vrf management"))
print(cli("copy bootflash:conf.cfg scheduled-config"))
`;
      return { script: withPoapMd5(body), 'conf.cfg': config };
    }
    default:
      return { script: config };
  }
}

/** A POAP script with the #md5sum line POAP checks. */
export function withPoapMd5(body: string): string {
  const [first, ...rest] = body.split('\n');
  const md5 = createHash('md5').update(body).digest('hex');
  return [first, `#md5sum="${md5}"`, ...rest].join('\n');
}
