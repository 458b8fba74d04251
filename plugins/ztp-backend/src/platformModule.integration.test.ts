import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  SerialParseError,
  shaCrypt,
  ztpPlatformsExtensionPoint,
  type ZtpPlatformDriver,
} from '@ztp-portal/backstage-plugin-ztp-node';
import { ztpPlugin } from './plugin';
import { deviceEntity } from './__testUtils__/fleet';
import { freePort, httpGet } from './__testUtils__/network';
import { FakeDevice } from './ssh/__testUtils__/FakeDevice';

/*
 * The point of the platform contract: a platform the core has never heard
 * of, defined here and nowhere else, gets minimal configurations, serial
 * checks, a final-configuration preview and a safe push from an unchanged
 * backend, through one backend module.
 */

jest.setTimeout(60_000);

const OPERATOR = 'user:default/operator';
const SERIAL = 'EX0S1234567';

/**
 * The device side of "Example OS": a small CLI with a running
 * configuration, a candidate entered line by line after "configure",
 * "commit" (which keeps the previous configuration for "rollback") and
 * "confirm". Answers through FakeDevice's command table, so the state
 * lives here.
 */
function exampleOsCli(bootConfig: string) {
  let running = bootConfig.split('\n').filter(Boolean);
  let previous: string[] | undefined;
  let candidate: string[] | undefined;
  const state = {
    get running() {
      return running.join('\n');
    },
  };
  const answer = (command: string): string | undefined => {
    if (command === 'show serial') return `Chassis serial: ${SERIAL}\n`;
    if (command === 'show config') return `${running.join('\n')}\n`;
    if (command === 'configure') {
      candidate = [...running];
      return '';
    }
    if (candidate && command === 'commit') {
      previous = running;
      running = candidate;
      candidate = undefined;
      return '';
    }
    if (command === 'rollback' && previous) {
      running = previous;
      return '';
    }
    if (command === 'confirm') return '';
    if (candidate && command.startsWith('no user ')) {
      const name = command.slice('no user '.length);
      candidate = candidate.filter(l => !l.startsWith(`user ${name} `));
      return '';
    }
    // A statement replaces the one it names: "hostname", "interface <x>".
    const key = /^(hostname|user \S+|interface \S+)( |$)/.exec(command)?.[1];
    if (candidate && key) {
      const at = candidate.findIndex(l => l.startsWith(`${key} `));
      if (at >= 0) candidate[at] = command;
      else candidate.push(command);
      return '';
    }
    return undefined;
  };
  const commands = new Proxy({} as Record<string, string>, {
    get: (_target, command) =>
      typeof command === 'string' ? answer(command) : undefined,
  });
  return { commands, state };
}

const ERROR = /^% ?Invalid/;

/** The whole platform: what a module package would export. */
const exampleOs: ZtpPlatformDriver = {
  id: 'example-os',
  displayName: 'Example OS',
  cli: { promptPattern: /^[\w.-]+#\s*$/, errorPattern: ERROR },
  minimalConfigTemplate: [
    'hostname {{ device.hostname }}',
    'user {{ account.username }} hash {{ account.passwordHash }}',
    'interface mgmt0 address {{ device.managementIp }} {{ device.netmask }}',
    '',
  ].join('\n'),
  hashPassword: async password => shaCrypt(password, { variant: 'sha512' }),
  async readSerial(cli) {
    const output = await cli.run('show serial');
    const serial = /Chassis serial: (\S+)/.exec(output)?.[1];
    if (!serial) throw new SerialParseError('no chassis serial', output);
    return serial;
  },
  async readRunningConfig(cli) {
    return (await cli.run('show config')).trim().concat('\n');
  },
  push: {
    keyLines: config =>
      config.split('\n').filter(l => /^(?:hostname|interface) /.test(l)),
    async apply(cli, config, ctx) {
      await cli.run('configure');
      ctx.phase = 'prepared';
      await cli.configure(config);
      ctx.phase = 'pending-confirm';
      await cli.run('commit');
    },
    async confirm(cli, ctx) {
      await cli.run('confirm');
      ctx.phase = 'confirmed';
    },
    async rollback(cli) {
      await cli.run('rollback');
    },
    async removeAccount(cli, removal) {
      await cli.run('configure');
      await cli.configure(removal);
      await cli.run('commit');
    },
  },
  finalConfig: {
    templateDirectory: '', // set below, once the test's directory exists
    commentPrefix: '!',
    sviName: vlanId => `vl${vlanId}`,
  },
};

/** The platform's module, as its package's index.ts would default-export it. */
const exampleOsModule = createBackendModule({
  pluginId: 'ztp',
  moduleId: 'example-os',
  register(reg) {
    reg.registerInit({
      deps: { platforms: ztpPlatformsExtensionPoint },
      async init({ platforms }) {
        platforms.addPlatform(exampleOs);
      },
    });
  },
});

describe('a platform added by a module the core does not know', () => {
  let dir: string;
  let device: FakeDevice | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-example-os-'));
    const templates = path.join(dir, 'templates');
    fs.mkdirSync(templates);
    fs.writeFileSync(
      path.join(templates, 'default.njk'),
      [
        'hostname {{ device.hostname }}',
        'interface mgmt0 address {{ management.address | ip }} {{ management.address | netmask }}',
        '{% for s in svis %}',
        'interface {{ s.interface }} address {{ s.gateway | addressMask }}',
        '{% endfor %}',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(templates, '_remove-account.njk'),
      'no user {{ account.username }}\n',
    );
    (exampleOs.finalConfig as { templateDirectory: string }).templateDirectory =
      templates;
    fs.writeFileSync(
      path.join(dir, 'vars.yaml'),
      'vlans:\n  - id: 20\n    name: servers\n    gateway: 198.18.20.1/24\n',
    );
  });

  afterAll(async () => {
    await backend?.stop();
    await device?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gets minimal configuration, serial checks, preview and push', async () => {
    const doorPort = await freePort();
    const sshPort = await freePort();
    backend = await startTestBackend({
      features: [
        ztpPlugin,
        exampleOsModule,
        catalogServiceMock.factory({
          entities: [
            {
              ...deviceEntity('ex-01', {
                'ztp.network/serial-number': SERIAL,
                'ztp.network/platform': 'example-os',
                'ztp.network/management-address': '127.0.0.1/8',
                'ztp.network/default-gateway': '127.0.0.254',
                'ztp.network/mac-address': '52:54:00:0a:00:71',
                'ztp.network/ssh-port': String(sshPort),
                'ztp.network/variables': './vars.yaml',
                'backstage.io/managed-by-location': `file:${path.join(
                  dir,
                  'devices.yaml',
                )}`,
              }),
            },
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            ztp: {
              secrets: { key: 'test-key-0123456789abcdef' },
              provisioning: {
                port: doorPort,
                worker: false,
                tftp: { enabled: false },
              },
              serialCheck: { retryInitialDelayMs: 60_000 },
            },
          },
        }),
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(() => ({ result: AuthorizeResult.ALLOW })),
        }).factory,
      ],
    });
    const api = request(backend.server);
    const as = { Authorization: mockCredentials.user.header(OPERATOR) };

    // The platform's own id is a valid declaration: the device is queued.
    let details: request.Response | undefined;
    for (let i = 0; i < 100; i++) {
      details = await api.get('/api/ztp/devices/default/ex-01').set(as);
      if (details.status === 200) break;
      await new Promise(r => setTimeout(r, 100));
    }
    expect(details!.status).toBe(200);
    const account = (
      await api
        .post('/api/ztp/devices/default/ex-01/credentials/reveal')
        .set(as)
    ).body;

    // The device answers SSH with the account its minimal configuration
    // creates (its CLI is filled in once it has fetched that).
    const booted: { cli?: ReturnType<typeof exampleOsCli> } = {};
    device = new FakeDevice({
      username: account.username,
      password: account.password,
      prompt: 'ex-01#',
      commands: new Proxy({} as Record<string, string>, {
        get: (_t, command) =>
          booted.cli
            ? booted.cli.commands[command as string]
            : exampleOsCli('').commands[command as string],
      }),
    });
    await device.start(sshPort);

    // The portal lists it beside the shipped ones it was started with
    // (none here): choices and display names come from the modules.
    const listed = await api.get('/api/ztp/platforms').set(as);
    expect(listed.body).toEqual({
      items: [
        { id: 'example-os', displayName: 'Example OS', finalConfig: true },
      ],
    });

    // Minimal configuration: its template, through the one renderer.
    const minimal = await httpGet(
      `http://127.0.0.1:${doorPort}/ztp/config/by-mac/52:54:00:0a:00:71`,
    );
    expect(minimal.status).toBe(200);
    expect(minimal.body).toMatch(
      new RegExp(
        `^hostname ex-01\\nuser ${account.username} hash \\$6\\$\\S+\\ninterface mgmt0 address 127\\.0\\.0\\.1 255\\.0\\.0\\.0\\n$`,
      ),
    );

    const cli = exampleOsCli(minimal.body);
    booted.cli = cli;

    // Serial check after the first fetch, with the platform's reader (and
    // its SSH dialect: prompt, errors).
    let serial: { state: string; presentedSerial?: string } | undefined;
    for (let i = 0; i < 150 && serial?.state !== 'checked'; i++) {
      await new Promise(r => setTimeout(r, 100));
      serial = (await api.get('/api/ztp/devices/default/ex-01').set(as)).body
        .device.serial;
    }
    expect(serial).toMatchObject({ state: 'checked', presentedSerial: SERIAL });

    // Preview: the platform's templates and dialect (SVI name, comments).
    const preview = await api
      .get('/api/ztp/devices/default/ex-01/final-config')
      .set(as);
    expect(preview.status).toBe(200);
    expect(preview.body.rendered).toBe(
      [
        'hostname ex-01',
        'interface mgmt0 address 127.0.0.1 255.0.0.0',
        'interface vl20 address 198.18.20.1 255.255.255.0',
        '!',
        '! Applied last, once the configuration above is verified:',
        `no user ${account.username}`,
        '',
      ].join('\n'),
    );
    expect(preview.body.running).toContain(`user ${account.username} hash`);
    expect(preview.body.diff).toContain('+interface vl20 address');

    // Push: the platform's procedure, run and verified by the core.
    const push = await api
      .post('/api/ztp/devices/default/ex-01/final-config/push')
      .set(as);
    expect(push.status).toBe(200);
    expect(push.body).toMatchObject({ ok: true });
    expect(push.body.device.confFinal.state).toBe('pushed');
    expect(cli.state.running).toBe(
      [
        'hostname ex-01',
        'interface mgmt0 address 127.0.0.1 255.0.0.0',
        'interface vl20 address 198.18.20.1 255.255.255.0',
      ].join('\n'),
    );
    expect(device.commandsReceived).toEqual(
      expect.arrayContaining(['configure', 'commit', 'confirm']),
    );
  });
});
