import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  DeviceBehaviours,
  SimulatedDevice,
} from '@ztp-portal/ztp-simulator';
import {
  builtinPlatformDrivers,
  builtinPlatformRegistry,
} from '../__testUtils__/builtinPlatforms';
import { PlatformRegistry } from '../platforms/PlatformRegistry';
import { openDeviceCli } from '../ssh';
import { FinalConfigRenderer } from './FinalConfigRenderer';
import { FinalConfigService } from './FinalConfigService';
import { hasAccount } from './push/keyLines';
import type { FinalConfigSettings } from './settings';
import {
  exampleFleetEntities,
  fleetDevice,
} from './__testUtils__/exampleFleet';
import {
  bootSimulatedDevice,
  memoryStore,
  seedDevice,
  TEST_PASSWORD,
  testVault,
} from './__testUtils__/simulatedDevices';

jest.setTimeout(120_000);

const USERNAME = 'ztp-5e1f00';
const OPERATOR = 'user:default/operator';
const fleet = exampleFleetEntities();
const entity = (name: string): Entity =>
  fleet.find(e => e.metadata.name === name)!;

const settings: FinalConfigSettings = {
  concurrency: 3,
  connectTimeoutMs: 10_000,
  deadlineMs: 60_000,
  commandTimeoutMs: 20_000,
  confirmMinutes: 5,
  managementNetworks: ['127.0.0.0/8'],
  templateDirectories: {},
};

/** The override directories' roots, removed after the tests. */
const overrideRoots: string[] = [];
afterAll(() => {
  for (const root of overrideRoots) {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

/** Template override directories, written for one test. */
function overrides(files: Record<string, string>): Record<string, string> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-final-'));
  overrideRoots.push(root);
  const dirs: Record<string, string> = {};
  for (const [file, text] of Object.entries(files)) {
    const [platform] = file.split('/');
    fs.mkdirSync(path.join(root, platform), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
    dirs[platform] = path.join(root, platform);
  }
  return dirs;
}

/** A running configuration without its comment lines (timestamps, banners). */
function configBody(text: string): string {
  return text
    .split('\n')
    .filter(line => !/^\s*[!#]/.test(line))
    .join('\n');
}

async function setUp(
  name: string,
  options: {
    behaviours?: DeviceBehaviours;
    templateDirectories?: Record<string, string>;
    serialState?: 'checked' | 'mismatch' | 'not-checked';
    timerScale?: number;
  } = {},
) {
  const e = entity(name);
  const device = await bootSimulatedDevice(e, {
    username: USERNAME,
    behaviours: options.behaviours,
    timerScale: options.timerScale,
  });
  const { stores, knex } = await memoryStore();
  const ref = await seedDevice(stores, e, {
    username: USERNAME,
    sshPort: device.sshPort!,
    hostKeyFingerprint: device.hostKeyFingerprint(),
    serialState: options.serialState,
  });
  const changed: string[] = [];
  const service = new FinalConfigService({
    stores,
    vault: testVault,
    platforms: new PlatformRegistry(builtinPlatformDrivers),
    openCli: openDeviceCli,
    catalog: catalogServiceMock({ entities: fleet }),
    auth: mockServices.auth(),
    urlReader: {
      readUrl: async () => {
        throw new Error('the example fleet is read from files');
      },
    },
    renderer: new FinalConfigRenderer({
      platforms: builtinPlatformRegistry(),
      overrideDirectories: options.templateDirectories,
    }),
    logger: mockServices.logger.mock(),
    settings,
    onChanged: r => changed.push(r),
  });
  // What the device saw, in order: logins and CLI lines.
  const seen: string[] = [];
  device.on('login', l => seen.push(`login ${l.username} ${l.accepted}`));
  device.on('command', c => seen.push(c.line.trim()));
  return {
    device,
    stores,
    ref,
    service,
    changed,
    seen,
    stop: async () => {
      await device.powerOff();
      await knex.destroy();
    },
  };
}

/** Can the bootstrap account still log in? */
async function canLogIn(device: SimulatedDevice, ip: string) {
  const driver = builtinPlatformDrivers.find(d => d.id === device.platform.id)!;
  try {
    const session = await openDeviceCli({
      host: ip,
      port: device.sshPort!,
      username: USERNAME,
      password: TEST_PASSWORD,
      connectTimeoutMs: 10_000,
      deadlineMs: 10_000,
      cli: driver.cli,
      algorithms: driver.sshAlgorithms,
    });
    session.close();
    return true;
  } catch (error) {
    if ((error as Error).name === 'SshAuthError') return false;
    throw error;
  }
}

/** What a push looks like from the device, per platform. */
const PLATFORMS: Record<string, { removal: RegExp; rollback: RegExp }> = {
  'arista-eos': {
    removal: /^no username ztp-5e1f00$/,
    rollback: /^configure session ztp-final-\w+ abort$/,
  },
  'cisco-nxos': {
    removal: /^no username ztp-5e1f00$/,
    rollback: /^rollback running-config checkpoint ztp-final-\w+$/,
  },
  'cisco-iosxe': {
    removal: /^no username ztp-5e1f00$/,
    rollback: /^configure replace flash:ztp-final-\w+\.cfg force$/,
  },
  'juniper-junos': {
    removal: /^delete system login user ztp-5e1f00$/,
    rollback: /^rollback 0$/,
  },
};

const platformOf = (name: string) =>
  entity(name).metadata.annotations!['ztp.network/platform'];
const ipOf = (name: string) =>
  fleetDevice(entity(name)).managementAddress.split('/')[0];

/**
 * A device of every role of the example fleet, pushed with the built-in
 * templates, and lines its running configuration must hold afterwards:
 * what the role template adds to the platform's default.
 */
const PUSHES: Array<{ device: string; expected: string[] }> = [
  {
    device: 'spine-01-par1',
    expected: [
      'router bgp 65100',
      'neighbor 203.0.113.17 remote-as 65110',
      'interface Ethernet31/1',
      'ip address 203.0.113.16/31',
      'ip access-list MGMT-SSH',
      'ip access-group MGMT-SSH vrf MGMT in',
      'spanning-tree mode none',
    ],
  },
  {
    device: 'leaf-03-par1',
    expected: [
      'interface Vlan4094',
      'no autostate',
      'mlag configuration',
      'domain-id 11',
      'peer-link Port-Channel1000',
      'mlag 10',
      'switchport trunk group MLAGPEER',
      'ip prefix-list OWN-PREFIXES seq 10 permit 198.51.100.13/32',
    ],
  },
  {
    device: 'spine-01-lon1',
    expected: [
      'router bgp 65200',
      'neighbor 203.0.113.77',
      'interface Ethernet1/31',
      'ip address 203.0.113.76/31',
      'ip access-list MGMT-SSH',
      'access-class MGMT-SSH in',
      'system default switchport shutdown',
    ],
  },
  {
    device: 'leaf-01-par1',
    expected: [
      'feature vpc',
      'vpc domain 10',
      'role priority 100',
      'peer-keepalive destination 127.0.10.22 source 127.0.10.21 vrf management',
      'ip arp synchronize',
      'vpc peer-link',
      'vpc 10',
      'neighbor 203.0.113.2',
      'remote-as 65100',
    ],
  },
  {
    device: 'oob-01-par1',
    expected: [
      'interface GigabitEthernet1/0/8',
      'description fw-01-par1 fxp0',
      'switchport access vlan 10',
      'ip access-list extended MGMT-SSH',
      'access-class MGMT-SSH in vrf-also',
      'vtp mode transparent',
    ],
  },
  {
    device: 'edge-01-lon1',
    expected: [
      'router ospf 1',
      'router-id 198.51.100.53',
      'router bgp 65210',
      'bgp router-id 198.51.100.53',
      'neighbor 203.0.113.161 route-map TRANSIT-IN in',
      'ip verify unicast source reachable-via rx',
      'ip options drop',
    ],
  },
  {
    device: 'leaf-01-lon1',
    expected: [
      'host-name leaf-01-lon1;',
      'irb {',
      'unit 4094 {',
      'iccp {',
      'bpdu-block-on-edge;',
    ],
  },
  {
    device: 'edge-01-par1',
    expected: ['host-name edge-01-par1;', 'rpf-check;', 'prefix-limit {'],
  },
  {
    device: 'fw-01-par1',
    expected: [
      'host-name fw-01-par1;',
      'address 203.0.113.193/28;',
      'filter MGMT-SSH {',
      'security-zone untrust {',
      'policy UNTRUST-TO-DMZ-10 {',
    ],
  },
];

describe.each(PUSHES)('Conf Final push to $device', c => {
  const { removal } = PLATFORMS[platformOf(c.device)];

  it('pushes, verifies, and removes the bootstrap account last', async () => {
    const t = await setUp(c.device);
    try {
      const result = await t.service.push(t.ref, OPERATOR);
      expect(result.error).toBeUndefined();
      expect(result).toMatchObject({
        ok: true,
        device: { entityRef: t.ref, confFinal: { state: 'pushed' } },
      });
      expect(result.device.confFinal.pushedAt).toBeDefined();

      const running = t.device
        .runningConfig()
        .split('\n')
        .map(l => l.trim());
      expect(running).toEqual(expect.arrayContaining(c.expected));
      expect(hasAccount(t.device.runningConfig(), USERNAME)).toBe(false);
      expect(await canLogIn(t.device, ipOf(c.device))).toBe(false);

      // Every configuration line went in before the verification login;
      // the account removal came after it.
      const logins = t.seen
        .map((line, i) => (line.startsWith(`login ${USERNAME}`) ? i : -1))
        .filter(i => i >= 0);
      expect(logins.length).toBeGreaterThanOrEqual(2);
      const verification = logins[1];
      const removed = t.seen.findIndex(
        (line, i) => i > verification && removal.test(line),
      );
      expect(removed).toBeGreaterThan(verification);
      const body = t.seen.findIndex(line =>
        /^(?:echo ")?(router bgp|interface |host-name|load replace terminal)/.test(
          line,
        ),
      );
      expect(body).toBeGreaterThan(-1);
      expect(body).toBeLessThan(verification);

      const events = (await t.stores.events.listEvents(t.ref, 10)).map(
        e => e.type,
      );
      expect(events.slice(0, 2)).toEqual([
        'conffinal.pushed',
        'conffinal.push-started',
      ]);
      expect(t.changed.filter(r => r === t.ref).length).toBeGreaterThanOrEqual(
        2,
      );
    } finally {
      await t.stop();
    }
  });
});

/**
 * Failing pushes, one device per platform, with a role template that adds
 * a line the platform rejects, early.
 */
const FAILURES: Array<{ device: string; broken: Record<string, string> }> = [
  {
    device: 'spine-01-par1',
    broken: {
      'arista-eos/spine.njk': `{% extends "arista-eos/spine.njk" %}
{% block system %}{{ super() }}frobnicate the widgets
{% endblock %}`,
    },
  },
  {
    device: 'spine-01-lon1',
    broken: {
      'cisco-nxos/spine.njk': `{% extends "cisco-nxos/spine.njk" %}
{% block system %}{{ super() }}frobnicate the widgets
{% endblock %}`,
    },
  },
  {
    device: 'oob-01-par1',
    broken: {
      'cisco-iosxe/oob.njk': `{% extends "cisco-iosxe/oob.njk" %}
{% block system %}{{ super() }}frobnicate the widgets
{% endblock %}`,
    },
  },
  {
    device: 'fw-01-par1',
    broken: {
      'juniper-junos/firewall.njk': `{% extends "juniper-junos/firewall.njk" %}
{% block role %}{{ super() }}frobnicate-the-widgets;
{% endblock %}`,
    },
  },
];

describe.each(FAILURES)('Conf Final rollback on $device', c => {
  const { rollback } = PLATFORMS[platformOf(c.device)];

  it('rolls back when the device rejects a line', async () => {
    const t = await setUp(c.device, {
      templateDirectories: overrides(c.broken),
    });
    try {
      const before = configBody(t.device.runningConfig());
      const result = await t.service.push(t.ref, OPERATOR);
      expect(result).toMatchObject({
        ok: false,
        rolledBack: true,
        device: { confFinal: { state: 'failed' } },
      });
      expect(result.error).toMatch(/frobnicate/);
      expect(t.seen.some(line => rollback.test(line))).toBe(true);
      expect(configBody(t.device.runningConfig())).toEqual(before);
      expect(hasAccount(t.device.runningConfig(), USERNAME)).toBe(true);
      const [last] = await t.stores.events.listEvents(t.ref, 1);
      expect(last).toMatchObject({
        type: 'conffinal.failed',
        details: { rolledBack: true },
      });
    } finally {
      await t.stop();
    }
  });

  it('rolls back when the connection is lost in the middle', async () => {
    const t = await setUp(c.device, {
      behaviours: { dropAfterConfigLines: 12 },
    });
    try {
      const before = configBody(t.device.runningConfig());
      const result = await t.service.push(t.ref, OPERATOR);
      expect(result).toMatchObject({
        ok: false,
        rolledBack: true,
        device: { confFinal: { state: 'failed', error: result.error } },
      });
      expect(result.error).toMatch(/closed|ended|connection/i);
      // The push session died: the rollback ran on a new one.
      expect(t.device.logins.length).toBeGreaterThanOrEqual(2);
      expect(t.seen.some(line => rollback.test(line))).toBe(true);
      expect(configBody(t.device.runningConfig())).toEqual(before);
      expect(hasAccount(t.device.runningConfig(), USERNAME)).toBe(true);
    } finally {
      await t.stop();
    }
  });
});

/**
 * Pushes whose final configuration moves the management address: the push
 * session dies with the commit, no new login can roll it back, and only
 * the device's own timer (commit timer, commit confirmed, revert timer)
 * brings the old configuration back.
 */
const CUTS: Array<{ device: string; template: string }> = [
  { device: 'spine-01-par1', template: 'arista-eos/spine.njk' },
  { device: 'oob-01-par1', template: 'cisco-iosxe/oob.njk' },
  { device: 'spine-01-lon1', template: 'cisco-nxos/spine.njk' },
  { device: 'fw-01-par1', template: 'juniper-junos/firewall.njk' },
];

describe.each(CUTS)('Conf Final push that cuts the session on $device', c => {
  it('is reverted by the device itself, and the timeline says so', async () => {
    const moved = `{% extends "${c.template}" %}
{% block interfaces %}{{ super() | replace(management.address.split("/")[0], "127.0.99.9") }}{% endblock %}`;
    // 5 minutes of confirmation become 3 s on the simulated device.
    // (NX-OS: the commit-timeout of 300 s, the same.)
    const t = await setUp(c.device, {
      templateDirectories: overrides({ [c.template]: moved }),
      timerScale: 0.01,
    });
    try {
      const before = configBody(t.device.runningConfig());
      const reverted = new Promise(resolve =>
        t.device.once('config-rolled-back', resolve),
      );
      const result = await t.service.push(t.ref, OPERATOR);
      expect(result).toMatchObject({ ok: false, rolledBack: false });
      expect(result.error).toMatch(
        /the device reverts to its previous configuration by itself 5 minutes after the commit/,
      );
      const [last] = await t.stores.events.listEvents(t.ref, 1);
      expect(last).toMatchObject({ type: 'conffinal.failed' });
      expect(last.message).toMatch(
        /reverts to its previous configuration by itself/,
      );
      // The device's own timer, not the backend, restores it (on IOS XE
      // with the archive path the push set up for the timer, and kept).
      await reverted;
      const unarchived = (text: string) =>
        text
          .replace(/^archive\n path flash:ztp-archive\n/m, '')
          .replace(/^Current configuration : \d+ bytes$/m, '');
      expect(unarchived(configBody(t.device.runningConfig()))).toEqual(
        unarchived(before),
      );
      expect(await canLogIn(t.device, ipOf(c.device))).toBe(true);
    } finally {
      await t.stop();
    }
  });
});

describe('Conf Final verification', () => {
  it('rolls back when the running configuration lacks lines it should have', async () => {
    // EOS accepts the abbreviation but shows the interface by its full name,
    // so "interface Et1/2" never appears in the running configuration.
    const t = await setUp('spine-02-par1', {
      templateDirectories: overrides({
        'arista-eos/spine.njk': `{% extends "arista-eos/spine.njk" %}
{% block role %}{{ super() }}interface Et1/2
   description spare
{% endblock %}`,
      }),
    });
    try {
      const before = configBody(t.device.runningConfig());
      const result = await t.service.push(t.ref, OPERATOR);
      expect(result).toMatchObject({ ok: false, rolledBack: true });
      expect(result.error).toMatch(
        /verifying the configuration failed: .*lacks 1 line\(s\).*"interface Et1\/2"/,
      );
      // The commit timer had applied it; the abort took it back.
      expect(t.seen).toContainEqual(
        expect.stringMatching(/^commit timer 00:05:00$/),
      );
      expect(t.seen).toContainEqual(
        expect.stringMatching(/^configure session ztp-final-\w+ abort$/),
      );
      expect(configBody(t.device.runningConfig())).toEqual(before);
      expect(hasAccount(t.device.runningConfig(), USERNAME)).toBe(true);
    } finally {
      await t.stop();
    }
  });
});

describe('Conf Final refusals', () => {
  it('refuses a device whose serial is not Checked, without logging in', async () => {
    const t = await setUp('spine-02-par1', { serialState: 'mismatch' });
    try {
      await expect(t.service.push(t.ref, OPERATOR)).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(/Checked serial.*Mismatch/),
      });
      expect(t.device.logins).toEqual([]);
      const device = await t.stores.devices.getDevice(t.ref);
      expect(device?.confFinalState).toBe('not-pushed');
    } finally {
      await t.stop();
    }
  });

  it('previews the rendered configuration against the running one', async () => {
    const t = await setUp('spine-02-par1');
    try {
      const preview = await t.service.preview(t.ref);
      expect(preview.runningError).toBeUndefined();
      expect(preview.rendered).toMatch(/^router bgp 65100$/m);
      expect(preview.rendered).toMatch(/^no username ztp-5e1f00$/m);
      expect(preview.running).toMatch(/^username ztp-5e1f00 /m);
      expect(preview.diff).toMatch(/^\+router bgp 65100$/m);
      expect(preview.diff).toMatch(/^--- running-config/m);
      // Reading is not changing.
      expect(t.seen.some(l => /^configure/.test(l))).toBe(false);
    } finally {
      await t.stop();
    }
  });

  it('renders without logging in when the running configuration is not asked for', async () => {
    const t = await setUp('spine-02-par1');
    try {
      const before = t.device.logins.length;
      const preview = await t.service.preview(t.ref, { readRunning: false });
      expect(preview.rendered).toMatch(/^router bgp 65100$/m);
      expect(preview.running).toBeUndefined();
      expect(preview.diff).toBeUndefined();
      expect(preview.runningError).toBeUndefined();
      expect(t.device.logins.length).toBe(before);
    } finally {
      await t.stop();
    }
  });

  it('previews without the running configuration when the device is unreachable', async () => {
    const t = await setUp('spine-02-par1');
    try {
      await t.device.powerOff();
      const preview = await t.service.preview(t.ref);
      expect(preview.rendered).toMatch(/^hostname spine-02-par1$/m);
      expect(preview.running).toBeUndefined();
      expect(preview.diff).toBeUndefined();
      expect(preview.runningError).toMatch(/could not be read/);
    } finally {
      await t.stop();
    }
  });
});
