import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ztpCredentialsRevealPermission } from '@ztp-portal/backstage-plugin-ztp-common';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
  type LoggerService,
} from '@backstage/backend-plugin-api';
import { ztpPlatformsExtensionPoint } from '@ztp-portal/backstage-plugin-ztp-node';
import { ztpPlugin } from './plugin';
import { deviceEntity } from './__testUtils__/fleet';
import { freePort, httpGet } from './__testUtils__/network';
import { tftpGet } from './__testUtils__/tftpGet';
import { builtinPlatformFeatures } from './__testUtils__/builtinPlatforms';

jest.setTimeout(30_000);

const OPERATOR = 'user:default/operator';
const VIEWER = 'user:default/viewer';

const entities = [
  deviceEntity('leaf-eos', {
    'ztp.network/serial-number': 'SSJ17371234',
    'ztp.network/platform': 'arista-eos',
    'ztp.network/management-address': '127.0.10.13/24',
    'ztp.network/mac-address': '52:54:00:0a:00:13',
    'ztp.network/hostname': 'leaf-eos',
    'ztp.network/site': 'par1',
  }),
  deviceEntity('edge-ios', {
    'ztp.network/serial-number': 'FOC2148Z0AB',
    'ztp.network/platform': 'cisco-iosxe',
    'ztp.network/management-address': '127.0.10.11/24',
    'ztp.network/hostname': 'edge-ios.par1',
    'ztp.network/site': 'par1',
  }),
  deviceEntity('fw-junos', {
    'ztp.network/serial-number': 'JN11D3F4AAFA',
    'ztp.network/platform': 'juniper-junos',
    'ztp.network/management-address': '127.0.0.1/8',
    'ztp.network/default-gateway': '127.0.0.254',
    'ztp.network/mac-address': '52:54:00:0a:00:14',
    'ztp.network/site': 'lon1',
  }),
];

/** The plugin's logger, keeping what it logs as errors. */
function recordingLogger() {
  const errors: string[] = [];
  const logger: LoggerService = {
    error: (message: string) => void errors.push(message),
    warn: () => {},
    info: () => {},
    debug: () => {},
    child: () => logger,
  };
  const factory = createServiceFactory({
    service: coreServices.logger,
    deps: {},
    factory: () => logger,
  });
  return { errors, factory };
}

async function startZtp(
  extraConfig: Record<string, unknown> = {},
  extra: { features?: any[]; entities?: typeof entities } = {},
) {
  const port = await freePort();
  const backend = await startTestBackend({
    features: [
      ztpPlugin,
      ...builtinPlatformFeatures,
      ...(extra.features ?? []),
      catalogServiceMock.factory({ entities: extra.entities ?? entities }),
      mockServices.rootConfig.factory({
        data: {
          ztp: {
            secrets: { key: 'test-key-0123456789abcdef' },
            provisioning: {
              port,
              // Only the tests of the TFTP door open it, each on its own port.
              tftp: { enabled: false },
              ...(extraConfig.provisioning as object),
            },
            serialCheck: {
              connectTimeoutMs: 300,
              deadlineMs: 1000,
              retryInitialDelayMs: 60_000,
              ...(extraConfig.serialCheck as object),
            },
          },
        },
      }),
      mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(r => ({
            result:
              r.permission.name === ztpCredentialsRevealPermission.name &&
              (options.credentials.principal as any).userEntityRef !== OPERATOR
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      }).factory,
    ],
  });
  return { backend, base: `http://127.0.0.1:${port}` };
}

describe('ZTP backend plugin', () => {
  it('serves each device its minimal configuration and records the fetch', async () => {
    const { backend, base } = await startZtp();
    try {
      const api = request(backend.server);
      const auth = { Authorization: mockCredentials.user.header(OPERATOR) };

      const byMac = await httpGet(
        `${base}/ztp/config/by-mac/5254.000a.0013.cfg`,
      );
      expect(byMac.status).toBe(200);
      expect(byMac.body).toMatch(/hostname leaf-eos/);
      expect(byMac.body).toMatch(/secret sha512 \$6\$/);

      const byHostname = await httpGet(
        `${base}/ztp/config/by-hostname/edge-ios.par1`,
      );
      expect(byHostname.status).toBe(200);
      expect(byHostname.body).toMatch(/secret 9 \$9\$/);

      const byHeader = await httpGet(`${base}/ztp/config`, {
        headers: {
          'X-Arista-SystemMAC': '52:54:00:0A:00:13',
          'X-Arista-Serial': 'SSJ99999999',
        },
      });
      expect(byHeader.status).toBe(200);

      const bySource = await httpGet(`${base}/ztp/config`);
      expect(bySource.status).toBe(200);
      expect(bySource.body).toMatch(/host-name fw-junos;/);

      const unknown = await httpGet(
        `${base}/ztp/config/by-mac/00:11:22:33:44:55`,
      );
      expect(unknown).toEqual({ status: 404, body: 'unknown device\n' });

      const list = await api.get('/api/ztp/devices').set(auth);
      expect(list.status).toBe(200);
      expect(list.body.totalCount).toBe(3);
      expect(list.body.summary.loaded).toBe(3);
      const eos = list.body.items.find((d: any) => d.name === 'leaf-eos');
      expect(eos.confMin).toMatchObject({
        state: 'loaded',
        loadedFrom: '127.0.0.1',
        fetchCount: 2,
      });
      expect(JSON.stringify(list.body)).not.toMatch(/\$6\$|\$9\$|password/i);

      const details = await api
        .get('/api/ztp/devices/default/leaf-eos')
        .set(auth);
      expect(details.body.events.map((e: any) => e.type)).toEqual(
        expect.arrayContaining([
          'serial.header-mismatch',
          'confmin.fetched',
          'device.added',
        ]),
      );
      const early = details.body.events.find(
        (e: any) => e.type === 'serial.header-mismatch',
      );
      expect(early.message).toMatch(/SSJ99999999.*SSJ17371234/);
    } finally {
      await backend.stop();
    }
  });

  it('lists devices nobody declared for the dashboard, counted per source', async () => {
    const { backend, base } = await startZtp({
      serialCheck: { sweepSeconds: 1 },
    });
    try {
      const auth = { Authorization: mockCredentials.user.header(VIEWER) };
      for (let i = 0; i < 2; i++) {
        expect(
          (await httpGet(`${base}/ztp/config/by-mac/02:00:5e:00:53:99`)).status,
        ).toBe(404);
      }
      // A declared device is never listed.
      expect(
        (await httpGet(`${base}/ztp/config/by-mac/52:54:00:0a:00:13`)).status,
      ).toBe(200);
      let items: any[] = [];
      const deadline = Date.now() + 15_000;
      while (!items.length && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 250));
        const res = await request(backend.server)
          .get('/api/ztp/unknown-devices')
          .set(auth);
        expect(res.status).toBe(200);
        items = res.body.items;
      }
      expect(items).toEqual([
        expect.objectContaining({
          identifier: 'mac 02:00:5e:00:53:99',
          sourceIp: '127.0.0.1',
          count: 2,
        }),
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('keeps the declarations the catalog refused, reported by a service, for users to read', async () => {
    const { backend } = await startZtp();
    try {
      const api = request(backend.server);
      const service = { Authorization: mockCredentials.service.header() };
      const viewer = { Authorization: mockCredentials.user.header(VIEWER) };
      const list = async () => {
        const res = await api.get('/api/ztp/declaration-problems').set(viewer);
        expect(res.status).toBe(200);
        return res.body.items;
      };
      const report = (body: object, auth = service) =>
        api.post('/api/ztp/declaration-problems').set(auth).send(body);

      expect((await report({ reports: [] }, viewer)).status).toBe(403);
      const bad = await report({
        reports: [{ entityRef: '', problems: 'not a list' }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/reports\.0\.entityRef/);
      expect(bad.body.error.message).toMatch(/reports\.0\.problems/);
      expect(await list()).toEqual([]);

      const problems = [
        'ztp.network/mac-address: "52:54:00:12:34" is not a MAC address (like 52:54:00:12:34:56)',
      ];
      const sent = await report({
        reports: [
          {
            entityRef: 'Resource:default/Leaf-09',
            location: 'file:/srv/catalog/devices.yaml',
            problems,
          },
        ],
      });
      expect(sent.status).toBe(204);
      expect(await list()).toEqual([
        {
          entityRef: 'resource:default/leaf-09',
          location: 'file:/srv/catalog/devices.yaml',
          problems,
          firstSeen: expect.stringMatching(/^\d{4}-/),
          lastSeen: expect.stringMatching(/^\d{4}-/),
        },
      ]);
      // The catalog module reads them back after a restart.
      const asService = await api
        .get('/api/ztp/declaration-problems')
        .set(service);
      expect(asService.status).toBe(200);
      expect(asService.body.items).toEqual(await list());

      // Fixed: the next report has no problems, and it is gone.
      await report({
        reports: [{ entityRef: 'resource:default/leaf-09', problems: [] }],
      });
      expect(await list()).toEqual([]);
    } finally {
      await backend.stop();
    }
  });

  it('refuses requests from outside the allowed networks', async () => {
    const { backend, base } = await startZtp({
      provisioning: { allowedNetworks: ['127.0.0.2/32'] },
    });
    try {
      const denied = await httpGet(
        `${base}/ztp/config/by-mac/52:54:00:0a:00:13`,
      );
      expect(denied.status).toBe(403);
      const allowed = await httpGet(
        `${base}/ztp/config/by-mac/52:54:00:0a:00:13`,
        {
          localAddress: '127.0.0.2',
        },
      );
      expect(allowed.status).toBe(200);
    } finally {
      await backend.stop();
    }
  });

  it('reveals the local account only with the permission, and records it', async () => {
    const { backend, base } = await startZtp();
    try {
      const api = request(backend.server);
      const denied = await api
        .post('/api/ztp/devices/default/leaf-eos/credentials/reveal')
        .set({ Authorization: mockCredentials.user.header(VIEWER) });
      expect(denied.status).toBe(403);

      const revealed = await api
        .post('/api/ztp/devices/default/leaf-eos/credentials/reveal')
        .set({ Authorization: mockCredentials.user.header(OPERATOR) });
      expect(revealed.status).toBe(200);
      expect(revealed.body.username).toMatch(/^ztp-[0-9a-f]{6}$/);
      expect(revealed.body.password).toHaveLength(20);

      const config = await httpGet(
        `${base}/ztp/config/by-mac/52:54:00:0a:00:13`,
      );
      expect(config.body).toContain(`username ${revealed.body.username} `);
      expect(config.body).not.toContain(revealed.body.password);

      const details = await api
        .get('/api/ztp/devices/default/leaf-eos')
        .set({ Authorization: mockCredentials.user.header(VIEWER) });
      const reveal = details.body.events.find(
        (e: any) => e.type === 'credentials.revealed',
      );
      expect(reveal.actor).toBe(OPERATOR);
    } finally {
      await backend.stop();
    }
  });

  it('answers every user route 401 without a user, and 400 on bad input', async () => {
    const { backend } = await startZtp();
    try {
      const api = request(backend.server);
      const none = { Authorization: mockCredentials.none.header() };
      for (const [method, route] of [
        ['get', '/api/ztp/devices'],
        ['get', '/api/ztp/devices/default/leaf-eos'],
        ['post', '/api/ztp/devices/default/leaf-eos/credentials/reveal'],
        ['post', '/api/ztp/devices/default/leaf-eos/serial-check'],
        ['post', '/api/ztp/devices/default/leaf-eos/serial'],
        ['get', '/api/ztp/unknown-devices'],
        ['get', '/api/ztp/serial-corrections'],
        ['get', '/api/ztp/declaration-problems'],
        ['post', '/api/ztp/declaration-problems'],
      ] as const) {
        const res = await (api as any)[method](route).set(none);
        expect([route, res.status]).toEqual([route, 401]);
      }
      const auth = { Authorization: mockCredentials.user.header(OPERATOR) };
      const badQuery = await api
        .get('/api/ztp/devices?limit=9000&serial=green')
        .set(auth);
      expect(badQuery.status).toBe(400);
      expect(badQuery.body.error.message).toMatch(/limit/);
      expect(badQuery.body.error.message).toMatch(/serial/);
      const badSerial = await api
        .post('/api/ztp/devices/default/leaf-eos/serial')
        .set(auth)
        .send({ newSerial: 'no spaces please' });
      expect(badSerial.status).toBe(400);
      expect(badSerial.body.error.message).toMatch(/not a serial number/);
      const taken = await api
        .post('/api/ztp/devices/default/leaf-eos/serial')
        .set(auth)
        .send({ newSerial: 'foc2148z0ab' });
      expect(taken.status).toBe(400);
      expect(taken.body.error.message).toMatch(
        /already the serial of resource:default\/edge-ios/,
      );
      const missing = await api.get('/api/ztp/devices/default/nope').set(auth);
      expect(missing.status).toBe(404);
      // Nothing changed.
      const after = await api
        .get('/api/ztp/devices/default/leaf-eos')
        .set(auth);
      expect(after.body.device.expectedSerial).toBe('SSJ17371234');
    } finally {
      await backend.stop();
    }
  });

  it('starts and stops the provisioning server with the backend', async () => {
    const { backend, base } = await startZtp();
    expect(
      (await httpGet(`${base}/ztp/config/by-mac/52:54:00:0a:00:13`)).status,
    ).toBe(200);
    await backend.stop();
    await expect(
      httpGet(`${base}/ztp/config/by-mac/52:54:00:0a:00:13`),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('serves the device route on the plugin router only when configured', async () => {
    const { backend } = await startZtp({
      provisioning: { exposeOnPluginRouter: true },
    });
    try {
      const res = await request(backend.server).get(
        '/api/ztp/provision/ztp/config/by-mac/52:54:00:0a:00:13',
      );
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/hostname leaf-eos/);
    } finally {
      await backend.stop();
    }
    const { backend: closed } = await startZtp();
    try {
      const res = await request(closed.server).get(
        '/api/ztp/provision/ztp/config/by-mac/52:54:00:0a:00:13',
      );
      // Not mounted: no route answers (the test backend's mock auth lets the
      // request through as a user, so this is a 404 rather than a 401).
      expect(res.status).toBe(404);
      expect(res.text).not.toMatch(/hostname leaf-eos/);
    } finally {
      await closed.stop();
    }
  });

  it('runs on without TFTP when its port cannot be bound, saying why in the log and on the DHCP card', async () => {
    // Another server holds the port, as port 69 is held without privilege.
    const holder = dgram.createSocket('udp4');
    await new Promise<void>(r => holder.bind(0, '127.0.0.1', () => r()));
    const logged = recordingLogger();
    try {
      const held = `127.0.0.1:${holder.address().port}`;
      const { backend, base } = await startZtp(
        {
          provisioning: {
            tftp: { enabled: true, port: holder.address().port },
          },
        },
        { features: [logged.factory] },
      );
      try {
        // The device door and the portal are up regardless.
        const res = await httpGet(
          `${base}/ztp/config/by-mac/52:54:00:0a:00:13`,
        );
        expect(res.status).toBe(200);
        // The log says why, and what to do.
        expect(logged.errors).toContainEqual(
          expect.stringMatching(
            new RegExp(
              `TFTP door is not serving: another process already holds ${held} \\(EADDRINUSE\\)`,
            ),
          ),
        );
        // The DHCP card, whose options 66/150 name the door, shows it.
        const config = await request(backend.server)
          .get('/api/ztp/dhcp/kea-config')
          .set({ Authorization: mockCredentials.user.header(OPERATOR) });
        expect(config.status).toBe(200);
        expect(config.body.problems).toContainEqual({
          message: expect.stringMatching(
            new RegExp(
              `^The TFTP door is not serving: another process already holds ${held} \\(EADDRINUSE\\)`,
            ),
          ),
        });
      } finally {
        await backend.stop();
      }
    } finally {
      await new Promise<void>(r => holder.close(() => r()));
    }
  });

  it('opens the TFTP door by default on the provisioning host, port 69', async () => {
    // An address of its own, so no other test's door shares its port 69.
    const host = '127.0.73.1';
    const logged = recordingLogger();
    const { backend } = await startZtp(
      { provisioning: { host, tftp: {} } },
      { features: [logged.factory] },
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-tftp-'));
    try {
      // HPA's tftp client asks where a device asks: port 69. As root the
      // door serves there; without the privilege the bind is refused and
      // the log says so, with what to do.
      const out = path.join(dir, 'leaf.cfg');
      const outcome = await promisify(execFile)('tftp', [
        '-m',
        'binary',
        host,
        '69',
        '-c',
        'get',
        'conf_5254000A0013.cfg',
        out,
      ]).then(
        () => fs.readFileSync(out, 'utf8').match(/hostname leaf-eos/)?.[0],
        error => `${error}`,
      );
      const privileged = process.getuid?.() === 0;
      const refused =
        /TFTP door is not serving: binding 127\.0\.73\.1:69 needs a privilege this process lacks \(EACCES\)/;
      expect({
        outcome: privileged ? outcome : 'not served',
        errors: logged.errors
          .filter(e => /TFTP/.test(e))
          .map(e => (refused.test(e) ? 'EACCES, with what to do' : e)),
      }).toEqual({
        outcome: privileged ? 'hostname leaf-eos' : 'not served',
        errors: privileged ? [] : ['EACCES, with what to do'],
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await backend.stop();
    }
  });

  it('answers AutoInstall’s default router-confg over TFTP with the asking box’s own configuration, by its address', async () => {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>(r => udp.bind(0, '127.0.0.1', () => r()));
    const tftpPort = udp.address().port;
    await new Promise<void>(r => udp.close(() => r()));
    const { backend, base } = await startZtp({
      provisioning: { tftp: { enabled: true, port: tftpPort } },
      serialCheck: { sweepSeconds: 1 },
    });
    try {
      const ask = (filename: string, sourceAddress: string) =>
        tftpGet({
          server: '127.0.0.1',
          port: tftpPort,
          filename,
          sourceAddress,
        });
      // edge-ios is declared at 127.0.10.11: DHCP's reservation gave it that
      // address, and it resolved no hostname from network-confg.
      const own = await httpGet(`${base}/ztp/boot/edge-ios.par1-confg`);
      expect(own.body).toMatch(/^hostname edge-ios\.par1$/m);
      expect(await ask('router-confg', '127.0.10.11')).toEqual({
        body: own.body,
      });
      expect(await ask('ciscortr.cfg', '127.0.10.11')).toEqual({
        body: own.body,
      });
      // network-confg under its 8.3 name too.
      expect(await ask('cisconet.cfg', '127.0.10.11')).toEqual({
        body: 'ip host edge-ios.par1 127.0.10.11\n',
      });
      // From an address nobody is declared at: no configuration, and the
      // dashboard lists the address as an unknown device.
      expect(await ask('router-confg', '127.0.10.99')).toEqual({
        code: 1,
        error: 'unknown device',
      });
      const api = request(backend.server);
      const auth = { Authorization: mockCredentials.user.header(OPERATOR) };
      const device = await api
        .get('/api/ztp/devices/default/edge-ios')
        .set(auth);
      expect(device.body.device.confMin).toMatchObject({
        state: 'loaded',
        loadedFrom: '127.0.10.11',
      });
      let items: any[] = [];
      const deadline = Date.now() + 15_000;
      while (!items.length && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 250));
        items = (await api.get('/api/ztp/unknown-devices').set(auth)).body
          .items;
      }
      expect(items).toEqual([
        expect.objectContaining({
          identifier: 'address 127.0.10.99',
          sourceIp: '127.0.10.99',
        }),
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('serves the same configuration over TFTP when enabled', async () => {
    const udp = dgram.createSocket('udp4');
    await new Promise<void>(r => udp.bind(0, '127.0.0.1', () => r()));
    const tftpPort = udp.address().port;
    await new Promise<void>(r => udp.close(() => r()));
    const { backend, base } = await startZtp({
      provisioning: { tftp: { enabled: true, port: tftpPort } },
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-tftp-'));
    try {
      // HPA's tftp client, as a device's boot loader would ask.
      const out = path.join(dir, 'leaf.cfg');
      await promisify(execFile)('tftp', [
        '-m',
        'binary',
        '127.0.0.1',
        String(tftpPort),
        '-c',
        'get',
        'conf_5254000A0013.cfg',
        out,
      ]);
      const body = fs.readFileSync(out, 'utf8');
      const http = await httpGet(`${base}/ztp/config/by-mac/52:54:00:0a:00:13`);
      expect(body).toBe(http.body);
      expect(body).toMatch(/hostname leaf-eos/);
      const missing = path.join(dir, 'nope.cfg');
      const result = await promisify(execFile)('tftp', [
        '-m',
        'binary',
        '127.0.0.1',
        String(tftpPort),
        '-c',
        'get',
        'no-such-device.cfg',
        missing,
      ]).catch(e => e);
      expect(`${result.stdout}${result.stderr}`).toMatch(/unknown device/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await backend.stop();
    }
  });

  it('lets a backend module add a platform through the extension point', async () => {
    const sonicModule = createBackendModule({
      pluginId: 'ztp',
      moduleId: 'sonic-platform',
      register(reg) {
        reg.registerInit({
          deps: { platforms: ztpPlatformsExtensionPoint },
          async init({ platforms }) {
            platforms.addPlatform({
              id: 'sonic',
              displayName: 'SONiC',
              cli: { promptPattern: /\$\s*$/ },
              minimalConfigTemplate:
                '{"DEVICE_METADATA": {"localhost": {"hostname": "{{ device.hostname }}"}}, "USER": "{{ account.username }}"}\n',
              hashPassword: async () => '$6$fixedsalt$notarealhash',
              readSerial: async cli =>
                (await cli.run('show platform summary')).trim(),
            });
          },
        });
      },
    });
    const { backend, base } = await startZtp(
      {},
      {
        features: [sonicModule],
        entities: [
          deviceEntity('sonic-leaf', {
            'ztp.network/serial-number': 'CN0ABC123456',
            'ztp.network/platform': 'sonic',
            'ztp.network/management-address': '127.0.10.61/24',
            'ztp.network/mac-address': '52:54:00:0a:00:61',
          }),
        ],
      },
    );
    try {
      // SONiC's ZTP agent announces itself with these headers.
      const res = await httpGet(`${base}/ztp/config`, {
        headers: {
          'BASE-MAC-ADDRESS': '52:54:00:0A:00:61',
          'SERIAL-NUMBER': 'CN0ABC123456',
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatch(/"hostname": "sonic-leaf"/);
      const list = await request(backend.server)
        .get('/api/ztp/devices?platform=sonic')
        .set({ Authorization: mockCredentials.user.header(OPERATOR) });
      expect(list.body.items.map((d: any) => d.name)).toEqual(['sonic-leaf']);
    } finally {
      await backend.stop();
    }
  });
});
