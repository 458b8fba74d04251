import { SerialParseError } from '@ztp-portal/backstage-plugin-ztp-node';
import { renderMinimalConfig } from '@ztp-portal/backstage-plugin-ztp-node';
import {
  generatedPassword,
  readFixture,
  scriptedCli,
  opensslPasswd,
} from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import { juniperJunosDriver } from './driver';

const device = {
  entityRef: 'resource:default/edge-01',
  name: 'edge-01',
  hostname: 'edge-01',
  platform: 'juniper-junos',
  managementIp: '127.0.10.14',
  prefixLength: 24,
  defaultGateway: '127.0.10.1',
  expectedSerial: 'JN11E4A5BAFA',
};

describe('juniperJunosDriver', () => {
  it('renders the minimal configuration with a SHA-512 crypt password that verifies', async () => {
    const password = generatedPassword();
    const passwordHash = await juniperJunosDriver.hashPassword(password);
    const config = renderMinimalConfig(juniperJunosDriver, device, {
      username: 'ztp-3f9a1c',
      passwordHash,
    });

    expect(config).toBe(`system {
    host-name edge-01;
    root-authentication {
        encrypted-password "${passwordHash}";
    }
    login {
        user ztp-3f9a1c {
            class super-user;
            authentication {
                encrypted-password "${passwordHash}";
            }
        }
    }
    services {
        ssh;
    }
}
interfaces {
    em0 {
        unit 0 {
            family inet {
                address 127.0.10.14/24;
            }
        }
    }
}
routing-options {
    static {
        route 0.0.0.0/0 next-hop 127.0.10.1;
    }
}
`);
    expect(config).not.toContain(password);

    const hash = /encrypted-password "([^"]+)"/.exec(config)![1];
    const salt = /^\$6\$([./0-9A-Za-z]{16})\$[./0-9A-Za-z]{86}$/.exec(
      hash,
    )?.[1];
    expect(salt).toBeDefined();
    const openssl = opensslPasswd('-6', salt!, password);
    expect(openssl).toBe(hash);
  });

  it('addresses fxp0 in the management instance when the device declares them (MX, SRX)', () => {
    const config = renderMinimalConfig(
      juniperJunosDriver,
      { ...device, managementInterface: 'fxp0', managementVrf: 'mgmt_junos' },
      { username: 'u', passwordHash: '$6$x$y' },
    );
    expect(config).toContain(
      '    services {\n        ssh;\n    }\n    management-instance;\n}\ninterfaces {\n    fxp0 {\n',
    );
    expect(config).toContain(`routing-instances {
    mgmt_junos {
        routing-options {
            static {
                route 0.0.0.0/0 next-hop 127.0.10.1;
            }
        }
    }
}
`);
    expect(config).not.toMatch(/em0|^routing-options/m);
  });

  it('leaves routing-options out when there is no gateway', () => {
    const config = renderMinimalConfig(
      juniperJunosDriver,
      { ...device, defaultGateway: undefined },
      { username: 'u', passwordHash: '$6$x$y' },
    );
    expect(config).not.toContain('routing-options');
    expect(config.endsWith('    }\n}\n')).toBe(true);
  });

  it('reads the serial from show chassis hardware', async () => {
    const cli = scriptedCli({
      'show chassis hardware': readFixture(
        __dirname,
        'srx345-cluster-19.4-show-chassis-hardware.txt',
      ),
    });
    await expect(juniperJunosDriver.readSerial(cli)).resolves.toBe(
      'CW0219AF0437',
    );
  });

  it('throws SerialParseError without a chassis serial', async () => {
    const cli = scriptedCli({
      'show chassis hardware': readFixture(
        __dirname,
        'vmx-lab-show-chassis-hardware-no-serial.txt',
      ),
    });
    await expect(juniperJunosDriver.readSerial(cli)).rejects.toBeInstanceOf(
      SerialParseError,
    );
  });

  it('reads the configuration without commit stamps and role lines', async () => {
    const cli = scriptedCli({
      'show configuration':
        '## Last commit: 2024-03-04 10:01:02 UTC by ztp-3f9a1c\nversion 21.4R3.15;\nsystem {\n    host-name edge-01;\n}\n\n{master:0}\n',
    });
    await expect(juniperJunosDriver.readRunningConfig!(cli)).resolves.toBe(
      'version 21.4R3.15;\nsystem {\n    host-name edge-01;\n}\n',
    );
  });

  it('recognises its prompts and pager', () => {
    const { promptPattern, pagerPattern } = juniperJunosDriver.cli;
    for (const prompt of [
      'ztp-3f9a1c@edge-01> ',
      'ztp-3f9a1c@qfx-leaf-12.dc1> ',
      'admin@mx480-re0# ',
    ]) {
      expect(promptPattern.test(prompt)).toBe(true);
    }
    expect(promptPattern.test('{master:0}')).toBe(false);
    expect(pagerPattern!.test('---(more)---')).toBe(true);
    expect(pagerPattern!.test('---(more 42%)---')).toBe(true);
  });
});
