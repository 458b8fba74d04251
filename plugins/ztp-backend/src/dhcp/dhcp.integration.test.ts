import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import type { Entity } from '@backstage/catalog-model';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { ztpPlugin } from '../plugin';
import { deviceEntity } from '../__testUtils__/fleet';
import { freePort } from '../__testUtils__/network';
import { KeaUnixSocketControl } from './KeaControlClient';
import { leaseCommandsLibrary } from './__testUtils__/kea';
import { ProvisioningLan } from './__testUtils__/provisioningLan';
import { builtinPlatformFeatures } from '../__testUtils__/builtinPlatforms';

jest.setTimeout(180_000);

const USER = mockCredentials.user.header('user:default/operator');
const DEBOUNCE_SECONDS = 2;
const CATALOG_SYNC_SECONDS = 1;

type Spec = {
  name: string;
  platform: 'cisco-iosxe' | 'cisco-nxos' | 'arista-eos' | 'juniper-junos';
  host: number;
  serial: string;
  /** The MAC of the hardware (and, unless declaredMac says otherwise, of the declaration). */
  mac: string;
  declaredMac?: string;
  /** ztp.network/switch-port of the declaration. */
  switchPort?: string;
};

// One device per platform; nxos-moved is declared with the MAC of a
// chassis that was replaced, and eos-new is not declared yet.
const specs: Spec[] = [
  {
    name: 'ios-dhcp',
    platform: 'cisco-iosxe',
    host: 11,
    serial: 'FOC2148Z0AB',
    mac: '52:54:00:18:00:11',
    switchPort: 'leaf-09:Ethernet1/11',
  },
  {
    name: 'nxos-dhcp',
    platform: 'cisco-nxos',
    host: 12,
    serial: 'FDO21120U8N',
    mac: '52:54:00:18:00:12',
  },
  {
    name: 'eos-dhcp',
    platform: 'arista-eos',
    host: 13,
    serial: 'JPE19251107',
    mac: '52:54:00:18:00:13',
  },
  {
    name: 'junos-dhcp',
    platform: 'juniper-junos',
    host: 14,
    serial: 'JN11D3F4AAFA',
    mac: '52:54:00:18:00:14',
  },
  {
    name: 'nxos-moved',
    platform: 'cisco-nxos',
    host: 15,
    serial: 'FDO21120U9P',
    mac: '52:54:00:18:00:25',
    declaredMac: '52:54:00:18:00:15',
  },
];
const newcomer: Spec = {
  name: 'eos-new',
  platform: 'arista-eos',
  host: 16,
  serial: 'JPE19251199',
  mac: '52:54:00:18:00:16',
};

type Audit = {
  eventId: string;
  meta?: Record<string, unknown>;
  outcome: 'success' | 'fail';
  error?: string;
};

/**
 * A catalog holding the entities of the moment: every read the queue sync
 * makes (queryEntities, getEntitiesByRefs, getEntities) sees the same.
 */
function liveCatalog(current: () => Entity[]) {
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () =>
      new Proxy(catalogServiceMock({ entities: [] }), {
        get: (_, key) => {
          const now = catalogServiceMock({ entities: current() });
          const value = Reflect.get(now, key);
          return typeof value === 'function' ? value.bind(now) : value;
        },
      }),
  });
}

/** An auditor that keeps the events a backend records. */
function recordingAuditor(audits: Audit[]) {
  return mockServices.auditor.mock({
    createEvent: (async (options: any) => ({
      success: async () => {
        audits.push({
          eventId: options.eventId,
          meta: options.meta,
          outcome: 'success',
        });
      },
      fail: async (o: { error: Error }) => {
        audits.push({
          eventId: options.eventId,
          meta: options.meta,
          outcome: 'fail',
          error: o.error.message,
        });
      },
    })) as any,
  }).factory;
}

async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 45_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) {
      throw new Error(
        `timed out waiting for ${what}${last ? `: ${last}` : ''}`,
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

describe('DHCP from the catalog, with a real Kea and real DHCP clients', () => {
  let lan: ProvisioningLan;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let refusing: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let viaAgent: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  const audits: Audit[] = [];
  const refusedAudits: Audit[] = [];
  let api: request.SuperTest<request.Test>;
  let entities: Entity[];
  let keaConfigFile: string;
  let controlSocket: string;
  let leaseFile: string;

  const entityOf = (s: Spec, mac = s.declaredMac ?? s.mac) =>
    deviceEntity(s.name, {
      'ztp.network/serial-number': s.serial,
      'ztp.network/platform': s.platform,
      'ztp.network/management-address': `${lan.prefix}.${s.host}/24`,
      'ztp.network/default-gateway': lan.hostAddress,
      'ztp.network/mac-address': mac,
      'ztp.network/hostname': s.name,
      ...(s.switchPort ? { 'ztp.network/switch-port': s.switchPort } : {}),
    });

  const deviceOf = async (name: string) =>
    (
      await api
        .get(`/api/ztp/devices/default/${name}`)
        .set({ Authorization: USER })
    ).body.device;

  const status = async (client = api) =>
    (await client.get('/api/ztp/dhcp/status').set({ Authorization: USER }))
      .body;

  /** Boots a device on the LAN and waits until the backend has Checked it. */
  async function bootToChecked(s: Spec) {
    const device = await lan.bootDevice({
      name: s.name,
      platform: s.platform,
      mac: s.mac,
      serial: s.serial,
    });
    const lease = await device.waitForEvent('lease');
    expect(lease.address).toBe(`${lan.prefix}.${s.host}`);
    expect(lease.routers).toEqual([lan.hostAddress]);
    const bootFile = await device.waitForEvent('boot-file');
    await device.waitForEvent('configured');
    const fetched = device.events.find(
      e => e.event === 'fetch' && e.status === 200,
    );
    expect(fetched?.url).toBe(bootFile.url);
    const checked = await waitFor(`${s.name} Checked`, async () => {
      const d = await deviceOf(s.name);
      return d?.serial.state === 'checked' ? d : undefined;
    });
    expect(checked.confMin.loadedFrom).toBe(`${lan.prefix}.${s.host}`);
    // What the device's agent did with the file: scripts it ran, reboots.
    const ran = device.events.filter(
      e =>
        e.event === 'script-finished' ||
        e.event === 'script-rejected' ||
        (e.event === 'state' && e.state === 'rebooting'),
    );
    return { lease, bootFile, ran };
  }

  beforeAll(async () => {
    lan = await ProvisioningLan.create();
    keaConfigFile = path.join(lan.dir, 'kea-dhcp4.conf');
    controlSocket = path.join(lan.dir, 'kea4-ctrl.sock');
    leaseFile = path.join(lan.dir, 'kea-leases4.csv');
    entities = specs.map(s => entityOf(s));
    const doorPort = await freePort();
    const dhcp = {
      interfaces: [lan.keaInterface],
      subnets: [{ subnet: lan.subnet, gateway: lan.hostAddress }],
      leases: { memfile: leaseFile },
      control: { socket: controlSocket },
      apply: { debounceSeconds: DEBOUNCE_SECONDS },
    };
    const ztpConfig = (extra: Record<string, unknown>) => ({
      secrets: { key: 'integration-key-0123456789' },
      catalogSync: {
        frequencySeconds: CATALOG_SYNC_SECONDS,
        indexRefreshSeconds: 1,
      },
      serialCheck: {
        managementNetworks: [lan.subnet],
        connectTimeoutMs: 3000,
        deadlineMs: 8000,
        retryInitialDelayMs: 500,
        retryMaxDelayMs: 1000,
        sweepSeconds: 1,
        firstCheckDelayMs: 300,
      },
      ...extra,
    });
    backend = await startTestBackend({
      features: [
        ztpPlugin,
        ...builtinPlatformFeatures,
        schedulerServiceFactory,
        recordingAuditor(audits),
        liveCatalog(() => entities),
        mockServices.rootConfig.factory({
          data: {
            ztp: ztpConfig({
              provisioning: {
                host: lan.hostAddress,
                port: doorPort,
                tftp: { enabled: false },
              },
              dhcp,
            }),
          },
        }),
      ],
    });
    api = request(backend.server) as any;
  });

  afterAll(async () => {
    await viaAgent?.stop();
    await refusing?.stop();
    await backend?.stop();
    await lan?.destroy();
  });

  it('serves the downloaded configuration: each platform gets its lease and file by DHCP and reaches Checked', async () => {
    // The queue fills with the first catalog sync after start.
    const whole = await waitFor('the devices in the queue', async () => {
      const r = await api
        .get('/api/ztp/dhcp/kea-config')
        .set({ Authorization: USER });
      return r.body.reservationCount === specs.length ? r : undefined;
    });
    expect(whole.status).toBe(200);
    expect(whole.body.problems).toEqual([]);
    expect(whole.body.reservationCount).toBe(specs.length);
    const reservationsOnly = await api
      .get('/api/ztp/dhcp/kea-config?part=reservations')
      .set({ Authorization: USER });
    // One per device, and ios-dhcp's switch port: a second one by circuit ID.
    const reservations = reservationsOnly.body.content.subnet4[0].reservations;
    expect(reservations).toHaveLength(specs.length + 1);
    expect(reservations).toContainEqual(
      expect.objectContaining({
        'circuit-id': "'leaf-09:Ethernet1/11'",
        'ip-address': `${lan.prefix}.11`,
      }),
    );
    expect(
      (
        await api
          .get('/api/ztp/dhcp/kea-config?part=half')
          .set({ Authorization: USER })
      ).status,
    ).toBe(400);

    // The operator's way: the downloaded file is Kea's configuration.
    fs.writeFileSync(
      keaConfigFile,
      JSON.stringify(whole.body.content, null, 2),
    );
    await lan.startKea(keaConfigFile, controlSocket);

    const seen = new Map<string, Awaited<ReturnType<typeof bootToChecked>>>();
    await Promise.all(
      specs
        .filter(s => !s.declaredMac)
        .map(async s => seen.set(s.name, await bootToChecked(s))),
    );
    const door = `http://${lan.hostAddress}:\\d+/ztp/boot`;
    // IOS XE: its Guest Shell script by URL, run with python3; it made the
    // RSA key SSH needed and reported to the door.
    const ios = seen.get('ios-dhcp')!;
    expect(ios.lease.bootFileName).toMatch(
      new RegExp(`^${door}/ztp-525400180011\\.py$`),
    );
    expect(ios.lease.tftpServerAddresses).toEqual([lan.hostAddress]);
    expect(ios.ran).toEqual([
      expect.objectContaining({ event: 'script-finished', exitCode: 0 }),
    ]);
    // NX-OS: poap.py by URL on an hour-long lease; POAP checked its md5,
    // ran it (the configuration and its .md5 fetched by the script) and
    // rebooted into the staged configuration.
    const nxos = seen.get('nxos-dhcp')!;
    expect(nxos.bootFile.url).toMatch(new RegExp(`^${door}/poap\\.py$`));
    expect(nxos.lease.leaseSeconds).toBeGreaterThanOrEqual(3600);
    expect(nxos.lease.tftpServerName).toBe(lan.hostAddress);
    expect(nxos.ran).toEqual([
      expect.objectContaining({ event: 'script-finished', exitCode: 0 }),
      { event: 'state', state: 'rebooting' },
    ]);
    // Both scripts reported to the door from the device's namespace.
    const timeline = async (name: string) =>
      (
        await api
          .get(`/api/ztp/devices/default/${name}`)
          .set({ Authorization: USER })
      ).body.events.map((e: any) => `${e.type} ${e.message}`);
    expect(await timeline('ios-dhcp')).toEqual(
      expect.arrayContaining([
        'bootstrap.progress script started',
        'bootstrap.progress configuration applied',
      ]),
    );
    expect(await timeline('nxos-dhcp')).toEqual(
      expect.arrayContaining([
        'bootstrap.progress script started',
        expect.stringMatching(/^bootstrap\.progress configuration staged/),
      ]),
    );
    // EOS: the ZeroTouch script by URL; it ran, saved the configuration,
    // and the switch rebooted into it.
    const eos = seen.get('eos-dhcp')!;
    expect(eos.bootFile.url).toMatch(
      new RegExp(`^${door}/eos-525400180013\\.py$`),
    );
    expect(eos.ran).toEqual([
      expect.objectContaining({ event: 'script-finished', exitCode: 0 }),
      { event: 'state', state: 'rebooting' },
    ]);
    // Junos found its script in option 43 and its server in option 150,
    // ran it (it committed the configuration) and did not reboot.
    const junos = seen.get('junos-dhcp')!;
    expect(junos.lease.bootFileName).toBeUndefined();
    expect(junos.bootFile.url).toMatch(
      new RegExp(`^${door}/junos-525400180014\\.py$`),
    );
    expect(junos.ran).toEqual([
      expect.objectContaining({ event: 'script-finished', exitCode: 0 }),
    ]);

    // Kea's lease file tells a device without a lease from one with a lease.
    const leases = (
      await api.get('/api/ztp/dhcp/leases').set({ Authorization: USER })
    ).body;
    expect(leases.available).toBe(true);
    const byRef = new Map<string, any>(
      leases.items.map((l: any) => [l.entityRef, l]),
    );
    expect(byRef.get('resource:default/ios-dhcp')).toMatchObject({
      state: 'leased',
      confMin: 'loaded',
      address: `${lan.prefix}.11`,
      macAddress: '52:54:00:18:00:11',
    });
    expect(byRef.get('resource:default/nxos-moved')).toEqual({
      entityRef: 'resource:default/nxos-moved',
      confMin: 'not-loaded',
      state: 'none',
    });
  });

  it('applies a catalog change to the running Kea within the debounce interval: a new device and a changed MAC get their leases', async () => {
    // The backend applied its configuration once Kea was up.
    const first = await waitFor('the first apply', async () => {
      const s = await status();
      return s.ok ? s : undefined;
    });
    expect(first).toMatchObject({
      mode: 'apply',
      endpoint: `unix:${controlSocket}`,
    });

    const changedAt = Date.now();
    entities = [
      ...specs.map(s =>
        s.name === 'nxos-moved' ? entityOf(s, s.mac) : entityOf(s),
      ),
      entityOf(newcomer),
    ];
    const applied = await waitFor('the change applied', async () => {
      const s = await status();
      return s.ok && /added eos-new/.test(s.change ?? '') ? s : undefined;
    });
    expect(applied.change).toBe('added eos-new; changed nxos-moved');
    expect(audits).toContainEqual({
      eventId: 'dhcp-config-apply',
      meta: {
        endpoint: `unix:${controlSocket}`,
        change: 'added eos-new; changed nxos-moved',
      },
      outcome: 'success',
    });
    const delay = Date.parse(applied.lastAppliedAt) - changedAt;
    // Catalog sync, then at most one debounce interval (and scheduler slack).
    expect(delay).toBeLessThan(
      (CATALOG_SYNC_SECONDS + DEBOUNCE_SECONDS) * 1000 + 5000,
    );
    // config-write kept it for Kea's next start.
    expect(fs.readFileSync(keaConfigFile, 'utf8')).toContain(
      '52:54:00:18:00:16',
    );

    const [moved, fresh] = await Promise.all([
      bootToChecked(specs.find(s => s.name === 'nxos-moved')!),
      bootToChecked(newcomer),
    ]);
    expect(moved.lease.address).toBe(`${lan.prefix}.15`);
    expect(fresh.lease.address).toBe(`${lan.prefix}.16`);
  });

  it('never applies a configuration Kea refuses, and says why', async () => {
    // A second portal whose configuration names a hook library Kea's host
    // does not have: only Kea can tell.
    refusing = await startTestBackend({
      features: [
        ztpPlugin,
        ...builtinPlatformFeatures,
        schedulerServiceFactory,
        recordingAuditor(refusedAudits),
        liveCatalog(() => entities),
        mockServices.rootConfig.factory({
          data: {
            ztp: {
              secrets: { key: 'integration-key-0123456789' },
              catalogSync: { frequencySeconds: CATALOG_SYNC_SECONDS },
              provisioning: {
                enabled: false,
                deviceUrl: `http://${lan.hostAddress}:7080`,
              },
              dhcp: {
                interfaces: [lan.keaInterface],
                subnets: [{ subnet: lan.subnet, gateway: lan.hostAddress }],
                leases: {
                  memfile: leaseFile,
                  commandsLibrary:
                    '/nonexistent/kea/hooks/libdhcp_lease_cmds.so',
                },
                control: { socket: controlSocket },
                apply: { debounceSeconds: DEBOUNCE_SECONDS },
              },
            },
          },
        }),
      ],
    });
    const refusingApi = request(refusing.server) as any;
    const refused = await waitFor('the refusal', async () => {
      const s = await status(refusingApi);
      return s.ok === false ? s : undefined;
    });
    expect(refused.error).toMatch(
      /^Kea refused config-test \(result 1\): .*\/nonexistent\/kea\/hooks\/libdhcp_lease_cmds\.so/,
    );
    expect(refused.lastAppliedAt).toBeUndefined();
    expect(refusedAudits).toEqual([
      expect.objectContaining({
        eventId: 'dhcp-config-apply',
        outcome: 'fail',
        error: refused.error,
      }),
    ]);

    // Kea still runs the last configuration it took.
    const running = await new KeaUnixSocketControl(controlSocket).command(
      'config-get',
    );
    expect(running.result).toBe(0);
    expect(running.arguments.Dhcp4['hooks-libraries'] ?? []).toEqual([]);
    expect(
      running.arguments.Dhcp4.subnet4[0].reservations.map(
        (r: any) => r['hw-address'],
      ),
    ).toContain('52:54:00:18:00:16');
  });

  it("applies through Kea's control agent and reads leases with lease4-get-all", async () => {
    const agentPort = await freePort();
    await lan.startControlAgent(agentPort, controlSocket);
    viaAgent = await startTestBackend({
      features: [
        ztpPlugin,
        ...builtinPlatformFeatures,
        schedulerServiceFactory,
        recordingAuditor([]),
        liveCatalog(() => entities),
        mockServices.rootConfig.factory({
          data: {
            ztp: {
              secrets: { key: 'integration-key-0123456789' },
              catalogSync: { frequencySeconds: CATALOG_SYNC_SECONDS },
              provisioning: {
                enabled: false,
                deviceUrl: `http://${lan.hostAddress}:7080`,
              },
              dhcp: {
                interfaces: [lan.keaInterface],
                subnets: [{ subnet: lan.subnet, gateway: lan.hostAddress }],
                leases: {
                  memfile: leaseFile,
                  commandsLibrary: leaseCommandsLibrary(),
                },
                control: {
                  socket: controlSocket,
                  agentUrl: `http://127.0.0.1:${agentPort}/`,
                },
                apply: { debounceSeconds: DEBOUNCE_SECONDS },
              },
            },
          },
        }),
      ],
    });
    const agentApi = request(viaAgent.server) as any;
    const applied = await waitFor('the apply through the agent', async () => {
      const s = await status(agentApi);
      return s.lastAttemptAt ? s : undefined;
    });
    expect(applied).toMatchObject({
      ok: true,
      endpoint: `http://127.0.0.1:${agentPort}/`,
    });
    // Kea now runs with the lease commands loaded...
    const running = await new KeaUnixSocketControl(controlSocket).command(
      'config-get',
    );
    expect(running.arguments.Dhcp4['hooks-libraries']).toEqual([
      { library: leaseCommandsLibrary() },
    ]);
    // ...and the leases of the devices booted above come through them.
    const leases = (
      await agentApi.get('/api/ztp/dhcp/leases').set({ Authorization: USER })
    ).body;
    expect(leases).toMatchObject({
      available: true,
      source: `lease4-get-all through http://127.0.0.1:${agentPort}/`,
    });
    expect(
      leases.items.find((l: any) => l.entityRef === 'resource:default/eos-new'),
    ).toMatchObject({
      state: 'leased',
      address: `${lan.prefix}.16`,
      macAddress: '52:54:00:18:00:16',
    });
  });
});
