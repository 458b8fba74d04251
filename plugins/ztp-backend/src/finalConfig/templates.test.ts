import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { FinalConfigRenderer } from './FinalConfigRenderer';
import { buildFinalConfigModel, relatedRefs } from './model';
import { FinalConfigVariables, parseFinalConfigVariables } from './variables';
import { VariablesReader } from './VariablesReader';
import {
  builtinDialect,
  builtinPlatformRegistry,
} from '../__testUtils__/builtinPlatforms';
import { junosDevice, addressMask } from './templateFilters';
import {
  exampleDevices,
  exampleFleetEntities,
  fleetDevice,
} from './__testUtils__/exampleFleet';

const USERNAME = 'ztp-9d8c7b';
const platforms = builtinPlatformRegistry();
const fleet = exampleFleetEntities();
const reader = new VariablesReader({
  readUrl: async () => {
    throw new Error('the example fleet is read from files');
  },
});

function catalogView(entity: Entity) {
  const { system, dependsOn } = relatedRefs(entity);
  const ref = (e: Entity) =>
    `${e.kind.toLocaleLowerCase('en-US')}:default/${e.metadata.name}`;
  return {
    entity,
    system: fleet.find(e => ref(e) === system),
    dependencies: fleet.filter(e => dependsOn.includes(ref(e))),
  };
}

function render(
  entity: Entity,
  vars: FinalConfigVariables,
  renderer = new FinalConfigRenderer({ platforms }),
) {
  const model = buildFinalConfigModel(
    fleetDevice(entity, USERNAME),
    catalogView(entity),
    vars,
    builtinDialect(fleetDevice(entity, USERNAME).platform),
  );
  return renderer.render(model);
}

async function renderExample(entity: Entity) {
  const { variables } = await reader.read(entity);
  return { ...render(entity, variables), vars: variables };
}

const lines = (text: string) => text.split('\n').map(l => l.trim());

/** Override directories the tests write, removed after them. */
const madeDirs: string[] = [];
afterAll(() => {
  for (const dir of madeDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** How each platform writes what the variables ask for. */
const SYNTAX: Record<
  string,
  {
    interface: (name: string) => string;
    address: (prefix: string) => string;
    neighbor: (address: string, asn: number) => string[];
    acl: (name: string) => string[];
    sshAcl: (name: string) => string;
    applied: (name: string, direction: string) => string;
    removal: string;
  }
> = {
  'arista-eos': {
    interface: n => `interface ${n}`,
    address: p => `ip address ${p}`,
    neighbor: (a, asn) => [`neighbor ${a} remote-as ${asn}`],
    acl: n => [`ip access-list ${n}`],
    sshAcl: n => `ip access-group ${n} in`,
    applied: (n, d) => `ip access-group ${n} ${d}`,
    removal: `no username ${USERNAME}`,
  },
  'cisco-nxos': {
    interface: n => `interface ${n}`,
    address: p => `ip address ${p}`,
    neighbor: (a, asn) => [`neighbor ${a}`, `remote-as ${asn}`],
    acl: n => [`ip access-list ${n}`],
    sshAcl: n => `access-class ${n} in`,
    applied: (n, d) => `ip access-group ${n} ${d}`,
    removal: `no username ${USERNAME}`,
  },
  'cisco-iosxe': {
    interface: n => `interface ${n}`,
    address: p => `ip address ${addressMask(p)}`,
    neighbor: (a, asn) => [
      `neighbor ${a} remote-as ${asn}`,
      `neighbor ${a} activate`,
    ],
    acl: n => [`ip access-list extended ${n}`],
    sshAcl: n => `access-class ${n} in vrf-also`,
    applied: (n, d) => `ip access-group ${n} ${d}`,
    removal: `no username ${USERNAME}`,
  },
  'juniper-junos': {
    interface: n => `${junosDevice(n)} {`,
    address: p => `address ${p};`,
    neighbor: (a, asn) => [`neighbor ${a} {`, `peer-as ${asn};`],
    acl: n => [`replace: filter ${n} {`],
    sshAcl: n => `input ${n};`,
    applied: (n, d) => `${d === 'in' ? 'input' : 'output'} ${n};`,
    removal: `delete system login user ${USERNAME}`,
  },
};

/** Clear-text secret forms of each platform, none of which may appear. */
const CLEAR_TEXT_SECRET =
  /(?:secret|password|key) 0 |(?<![\w-])password (?!5 |\])\S+|plain-text-password|(?:secret|encrypted-password) "(?!\$)/;

describe.each(Object.keys(SYNTAX))(
  'final configuration templates: %s',
  platform => {
    const devices = exampleDevices().filter(
      e => e.metadata.annotations!['ztp.network/platform'] === platform,
    );
    const syntax = SYNTAX[platform];

    it('has example devices to render', () => {
      expect(devices.length).toBeGreaterThan(0);
    });

    it.each(devices.map(d => [d.metadata.name, d] as const))(
      'renders %s: interfaces, BGP, ACLs, and the account removal',
      async (_name, entity) => {
        const { config, accountRemoval, template, vars } = await renderExample(
          entity,
        );
        const role = entity.metadata.annotations!['ztp.network/role'];
        expect(template).toBe(`${platform}/${role}.njk`);
        const all = lines(config);

        expect(all).toContain(
          platform === 'juniper-junos'
            ? `host-name ${vars.device.hostname};`
            : `hostname ${vars.device.hostname}`,
        );
        const expected = [
          ...vars.interfaces.flatMap(i => [
            syntax.interface(i.name),
            ...(i.address ? [syntax.address(i.address)] : []),
          ]),
          ...vars.vlans.flatMap(v =>
            v.gateway ? [syntax.address(v.gateway)] : [],
          ),
          ...(vars.routing.bgp?.neighbors ?? []).flatMap(n =>
            syntax.neighbor(n.address, n.remote_as),
          ),
          ...vars.acls.flatMap(acl =>
            acl.from_zone
              ? [`from-zone ${acl.from_zone} to-zone ${acl.to_zone} {`]
              : [
                  ...syntax.acl(acl.name),
                  ...acl.apply.map(apply =>
                    apply.to === 'ssh'
                      ? syntax.sshAcl(acl.name)
                      : syntax.applied(acl.name, apply.direction),
                  ),
                ],
          ),
        ];
        expect(all).toEqual(expect.arrayContaining(expected));
        const descriptions = vars.interfaces.flatMap(i =>
          i.description ? [i.description] : [],
        );
        expect(descriptions.filter(d => !config.includes(d))).toEqual([]);
        const lagNames = vars.lags.map(l => l.name.replace(/\D/g, ''));
        expect(
          lagNames.filter(
            n =>
              !new RegExp(
                `(?:Port-Channel|port-channel|Port-channel|ae)${n}\\b`,
              ).test(config),
          ),
        ).toEqual([]);
        for (const server of [...vars.services.ntp, ...vars.services.syslog]) {
          expect(config).toContain(server);
        }

        // The bootstrap account is removed by its own snippet, applied last;
        // the configuration itself leaves it alone.
        expect(lines(accountRemoval)).toContain(syntax.removal);
        expect(config).not.toContain(USERNAME);
        expect(config).not.toMatch(CLEAR_TEXT_SECRET);
        expect(config).not.toMatch(/undefined|\[object Object\]|NaN/);
      },
    );
  },
);

describe('final configuration with administrators from the variables', () => {
  const HASHES: Record<string, string> = {
    'arista-eos': '$6$rounds=5000$c2FsdA$abcdefghijklmnopqrstuv',
    'cisco-nxos': '$5$c2FsdA$abcdefghijklmnopqrstuvwxyz',
    'cisco-iosxe':
      '$9$c2FsdHNhbHRzYWx0$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ',
    'juniper-junos': '$6$c2FsdA$abcdefghijklmnopqrstuv',
  };
  const ONE_PER_PLATFORM = [
    'spine-01-par1',
    'spine-01-lon1',
    'oob-01-par1',
    'edge-01-par1',
  ];

  it.each(ONE_PER_PLATFORM)('writes hashed secrets only (%s)', async name => {
    const entity = fleet.find(e => e.metadata.name === name)!;
    const platform = entity.metadata.annotations!['ztp.network/platform'];
    const { variables } = await reader.read(entity);
    const vars = parseFinalConfigVariables(
      {
        ...variables,
        aaa: {
          users: [
            { name: 'netadmin', role: 'admin', secret_hash: HASHES[platform] },
          ],
          tacacs: {
            servers: ['198.51.100.140'],
            key_encrypted:
              platform === 'juniper-junos'
                ? '$9$Hk5FCA0IhruOBIcyev'
                : '0A1B2C3D4E',
          },
        },
      },
      'test',
    );
    const { config } = render(entity, vars);
    expect(config).toContain(HASHES[platform]);
    expect(config).toMatch(/netadmin/);
    expect(config).toContain('198.51.100.140');
    expect(config).not.toMatch(CLEAR_TEXT_SECRET);
  });

  it("sets Junos root's own password when given, hashed only", async () => {
    const entity = fleet.find(
      e => e.metadata.annotations!['ztp.network/platform'] === 'juniper-junos',
    )!;
    const { variables } = await reader.read(entity);
    const rootHash = '$6$cm9vdHNhbHQ$rootrootrootrootrootro';
    const withRoot = render(
      entity,
      parseFinalConfigVariables(
        { ...variables, aaa: { root_secret_hash: rootHash } },
        'test',
      ),
    ).config;
    expect(withRoot).toMatch(
      new RegExp(
        `root-authentication \\{\\s*encrypted-password "${rootHash.replace(
          /\$/g,
          '\\$',
        )}";`,
      ),
    );
    const without = render(
      entity,
      parseFinalConfigVariables({ ...variables, aaa: {} }, 'test'),
    ).config;
    expect(without).not.toContain('root-authentication');
    expect(() =>
      parseFinalConfigVariables(
        { aaa: { root_secret_hash: 'Sup3rSecret' } },
        'vars.yaml',
      ),
    ).toThrow(/aaa\.root_secret_hash: .*clear-text secrets are not accepted/);
  });

  it('refuses clear-text secrets in variables', () => {
    expect(() =>
      parseFinalConfigVariables(
        { aaa: { users: [{ name: 'netadmin', secret_hash: 'Sup3rSecret' }] } },
        'vars.yaml',
      ),
    ).toThrow(
      /aaa\.users\[0\]\.secret_hash: .*clear-text secrets are not accepted/,
    );
  });
});

describe('the management port', () => {
  const leaf = () => fleet.find(e => e.metadata.name === 'leaf-03-par1')!;

  it('comes from the declaration when the variables do not name it', async () => {
    const { variables } = await reader.read(leaf());
    const vars = {
      ...variables,
      management: { ...variables.management, interface: undefined },
    };
    const model = buildFinalConfigModel(
      { ...fleetDevice(leaf(), USERNAME), managementInterface: 'Management0' },
      catalogView(leaf()),
      vars,
      builtinDialect('arista-eos'),
    );
    expect(model.management.interface).toBe('Management0');
    const { config } = new FinalConfigRenderer({ platforms }).render(model);
    expect(config).toMatch(/^interface Management0$/m);
    expect(config).not.toMatch(/^interface Management1$/m);
  });

  it('refuses variables that would move it away from the declared one', async () => {
    const { variables } = await reader.read(leaf());
    expect(variables.management.vrf).toBe('MGMT');
    expect(() =>
      buildFinalConfigModel(
        { ...fleetDevice(leaf(), USERNAME), managementVrf: 'OOB' },
        catalogView(leaf()),
        variables,
      ),
    ).toThrow(
      'management.vrf is MGMT in the variables file but the device declares OOB (ztp.network/management-vrf), which its minimal configuration used; make them agree',
    );
  });
});

describe('FinalConfigRenderer', () => {
  it('falls back to default.njk for a role without a template', () => {
    const renderer = new FinalConfigRenderer({ platforms });
    expect(renderer.templateFor('arista-eos', 'leaf')).toBe('leaf.njk');
    expect(renderer.templateFor('arista-eos', 'border')).toBe('default.njk');
    expect(renderer.templateFor('arista-eos', undefined)).toBe('default.njk');
    // A role is a file name, never a path.
    expect(renderer.templateFor('arista-eos', '../cisco-nxos/leaf')).toBe(
      'default.njk',
    );
  });

  it('uses an override directory first, which can extend the built-in templates', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-final-tpl-'));
    madeDirs.push(dir);
    fs.writeFileSync(
      path.join(dir, 'spine.njk'),
      `{% extends "arista-eos/spine.njk" %}
{% block role %}{{ super() }}! Site rule: spines announce themselves
lldp timer 10
{% endblock %}`,
    );
    fs.writeFileSync(
      path.join(dir, 'border.njk'),
      'hostname {{ device.hostname }}\n! border of {{ system.title }}\n',
    );
    const renderer = new FinalConfigRenderer({
      platforms,
      overrideDirectories: { 'arista-eos': dir },
    });
    const spine = fleet.find(e => e.metadata.name === 'spine-01-par1')!;
    const { variables } = await reader.read(spine);
    const rendered = render(spine, variables, renderer);
    expect(rendered.template).toBe('arista-eos/spine.njk');
    expect(rendered.config).toMatch(/^spanning-tree mode none$/m);
    expect(rendered.config).toMatch(/^lldp timer 10$/m);

    const border = buildFinalConfigModel(
      { ...fleetDevice(spine, USERNAME), role: 'border' },
      catalogView(spine),
      variables,
      builtinDialect('arista-eos'),
    );
    expect(renderer.render(border).config).toBe(
      'hostname spine-01-par1\n! border of PAR1 data centre network\n',
    );
  });

  it('names the template and the problem when rendering fails', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-final-tpl-'));
    madeDirs.push(dir);
    fs.writeFileSync(
      path.join(dir, 'spine.njk'),
      'hostname {{ device.nickname }}\n',
    );
    const renderer = new FinalConfigRenderer({
      platforms,
      overrideDirectories: { 'arista-eos': dir },
    });
    const spine = fleet.find(e => e.metadata.name === 'spine-01-par1')!;
    const { variables } = await reader.read(spine);
    expect(() => render(spine, variables, renderer)).toThrow(
      /Rendering arista-eos\/spine\.njk for resource:default\/spine-01-par1 failed: .*undefined/s,
    );
  });
});
