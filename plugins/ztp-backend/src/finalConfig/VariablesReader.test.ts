import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ANNOTATION_LOCATION, Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { VariablesReader } from './VariablesReader';

function device(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: { name: 'leaf-9', namespace: 'default', annotations },
    spec: { type: 'network-device' },
  };
}

const VALID = `device:
  hostname: leaf-9
interfaces:
  - name: Ethernet1
    address: 192.0.2.1/31
routing:
  bgp:
    asn: 65001
    neighbors:
      - address: 192.0.2.0
        remote_as: 65000
`;

describe('VariablesReader', () => {
  let root: string;
  let fleetDir: string;
  const noUrls = new VariablesReader({
    readUrl: async () => {
      throw new Error('no URL reads expected');
    },
  });

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-vars-'));
    fleetDir = path.join(root, 'fleet');
    fs.mkdirSync(path.join(fleetDir, 'vars'), { recursive: true });
    fs.writeFileSync(path.join(fleetDir, 'vars', 'leaf-9.yaml'), VALID);
    fs.writeFileSync(path.join(root, 'secret.yaml'), VALID);
  });

  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const fromFile = (variables: string) =>
    device({
      'ztp.network/variables': variables,
      [ANNOTATION_LOCATION]: `file:${path.join(fleetDir, 'devices.yaml')}`,
    });

  it('reads the file next to the entity`s location', async () => {
    const { variables, source } = await noUrls.read(
      fromFile('./vars/leaf-9.yaml'),
    );
    expect(source).toBe(path.join(fleetDir, 'vars', 'leaf-9.yaml'));
    expect(variables.interfaces[0]).toMatchObject({
      name: 'Ethernet1',
      address: '192.0.2.1/31',
    });
    expect(variables.routing.bgp?.neighbors[0].remote_as).toBe(65000);
    // Sections left out default to empty.
    expect(variables.acls).toEqual([]);
    expect(variables.services).toEqual({ dns: [], ntp: [], syslog: [] });
  });

  it('refuses paths that leave the location`s directory', async () => {
    await expect(noUrls.read(fromFile('../secret.yaml'))).rejects.toThrow(
      /resolves to .*secret\.yaml, outside .*fleet .*refusing to read it/,
    );
    await expect(
      noUrls.read(fromFile(path.join(root, 'secret.yaml'))),
    ).rejects.toThrow(/outside/);
    fs.symlinkSync(
      path.join(root, 'secret.yaml'),
      path.join(fleetDir, 'vars', 'link.yaml'),
    );
    await expect(noUrls.read(fromFile('./vars/link.yaml'))).rejects.toThrow(
      /leads to .*secret\.yaml, outside/,
    );
  });

  it('says clearly when the file is missing or not valid', async () => {
    await expect(noUrls.read(fromFile('./vars/nope.yaml'))).rejects.toThrow(
      /The variables file \.\/vars\/nope\.yaml of resource:default\/leaf-9 does not exist/,
    );

    fs.writeFileSync(path.join(fleetDir, 'vars', 'bad.yaml'), 'a: [1, 2\n');
    await expect(noUrls.read(fromFile('./vars/bad.yaml'))).rejects.toThrow(
      /is not valid YAML/,
    );

    fs.writeFileSync(
      path.join(fleetDir, 'vars', 'wrong.yaml'),
      `interfaces:
  - name: Ethernet1
    address: 192.0.2.1
  - name: Ethernet2
    lag: Port-Channel9
acls:
  - name: EDGE
    entries:
      - { seq: 10, action: permit, protocol: ip, source: any, destination: any }
    apply:
      - to: Vlan99
`,
    );
    const error = await noUrls
      .read(fromFile('./vars/wrong.yaml'))
      .catch(e => e);
    expect(error.name).toBe('InputError');
    expect(error.message).toMatch(
      /interfaces\[0\]\.address: expected an IPv4 prefix/,
    );

    fs.writeFileSync(
      path.join(fleetDir, 'vars', 'refs.yaml'),
      `interfaces:
  - name: Ethernet2
    lag: Port-Channel9
acls:
  - name: EDGE
    entries:
      - { seq: 10, action: permit, protocol: ip, source: any, destination: any }
    apply:
      - to: Vlan99
`,
    );
    const refs = await noUrls.read(fromFile('./vars/refs.yaml')).catch(e => e);
    expect(refs.message).toMatch(
      /interfaces\[0\]\.lag: no LAG named Port-Channel9/,
    );
    expect(refs.message).toMatch(
      /acls\[0\]\.apply\[0\]\.to: Vlan99 is neither "ssh" nor an interface/,
    );
  });

  it('needs the annotation', async () => {
    await expect(noUrls.read(device({}))).rejects.toThrow(
      /has no ztp\.network\/variables annotation/,
    );
  });

  it('reads through the UrlReader for url: locations', async () => {
    const readUrl = jest.fn(async (url: string) => {
      if (url.endsWith('/fleet/vars/leaf-9.yaml')) {
        return { buffer: async () => Buffer.from(VALID) } as any;
      }
      throw new NotFoundError(`${url} not found`);
    });
    const reader = new VariablesReader({ readUrl });
    const entity = device({
      'ztp.network/variables': './vars/leaf-9.yaml',
      [ANNOTATION_LOCATION]:
        'url:https://git.example.net/network/fleet/blob/main/fleet/devices.yaml',
    });
    const { source, variables } = await reader.read(entity);
    expect(source).toBe(
      'https://git.example.net/network/fleet/blob/main/fleet/vars/leaf-9.yaml',
    );
    expect(variables.device.hostname).toBe('leaf-9');

    const missing = device({
      'ztp.network/variables': './vars/other.yaml',
      [ANNOTATION_LOCATION]:
        'url:https://git.example.net/network/fleet/blob/main/fleet/devices.yaml',
    });
    await expect(reader.read(missing)).rejects.toThrow(
      /The variables file https:\/\/git\.example\.net\/.*other\.yaml of resource:default\/leaf-9 does not exist/,
    );
  });
});
