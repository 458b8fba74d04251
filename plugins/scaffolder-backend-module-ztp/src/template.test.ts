import {
  isValidHostname,
  isValidInterfaceName,
  isValidIp,
  isValidVrfName,
  normalizeMac,
  parseInterfaceAddress,
  validateSerial,
} from '@ztp-portal/backstage-plugin-ztp-common';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { DECLARE_DEVICE_ACTION_ID } from './declareDeviceAction';
import { DEFAULT_LOCAL_CATALOG_FILE, findRepoRoot } from './LocalCatalogFile';

const templatePath = path.join(
  findRepoRoot(__dirname),
  'examples/templates/declare-network-device/template.yaml',
);

type Schema = {
  type?: string;
  pattern?: string;
  enum?: string[];
  'ui:field'?: string;
  maxLength?: number;
  properties?: Record<string, Schema>;
  required?: string[];
};

const template = yaml.parse(fs.readFileSync(templatePath, 'utf8'));
const steps: Schema[] = template.spec.parameters;
const fields: Record<string, Schema> = Object.assign(
  {},
  ...steps.map(s => s.properties),
);

/** What the form accepts, with JSON-schema semantics (pattern and length). */
function formAccepts(field: string, value: string): boolean {
  const schema = fields[field];
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    return false;
  }
  return new RegExp(schema.pattern!, 'u').test(value);
}

describe('the "Declare a network device" template', () => {
  it('is a scaffolder template owned by network-operators that runs the action', () => {
    expect(template.apiVersion).toBe('scaffolder.backstage.io/v1beta3');
    expect(template.kind).toBe('Template');
    expect(template.metadata.title).toBe('Declare a network device');
    expect(template.spec.owner).toBe('group:default/network-operators');
    expect(template.spec.steps.map((s: any) => s.action)).toEqual([
      DECLARE_DEVICE_ACTION_ID,
    ]);
    expect(template.spec.output.links[0].entityRef).toBe(
      "${{ steps['declare'].output.entityRef }}",
    );
  });

  it('passes every form field to the action', () => {
    const input = template.spec.steps[0].input;
    for (const name of Object.keys(fields)) {
      expect(input[name]).toBe(`\${{ parameters.${name} }}`);
    }
  });

  it('requires the fields the catalog requires, and MAC or hostname', () => {
    const required = steps.flatMap(s => s.required ?? []);
    expect(required).toEqual(
      expect.arrayContaining([
        'name',
        'site',
        'owner',
        'platform',
        'serial',
        'managementAddress',
        'defaultGateway',
      ]),
    );
    const identity = steps[1] as any;
    expect(identity.if).toEqual({ not: { required: ['macAddress'] } });
    expect(identity.then).toEqual({ required: ['hostname'] });
  });

  it('asks for the variables file Conf Final needs, a URL or a path beside the declarations', () => {
    expect(steps.flatMap(s => s.required ?? [])).toContain('variables');
    expect(template.spec.steps[0].input.variables).toBe(
      '${{ parameters.variables }}',
    );
    for (const ok of [
      './vars/leaf-05-par1.yaml',
      'vars/leaf-05-par1.yml',
      'https://git.example.test/net/vars/leaf-05-par1.yaml',
    ]) {
      expect(formAccepts('variables', ok)).toBe(true);
    }
    for (const bad of [
      '',
      'leaf-05-par1',
      './vars/a b.yaml',
      'ftp://x/y.yaml',
    ]) {
      expect(formAccepts('variables', bad)).toBe(false);
    }
  });

  it('writes declared devices to the gitignored data directory, read as a catalog location', () => {
    const root = findRepoRoot(__dirname);
    expect(DEFAULT_LOCAL_CATALOG_FILE).toBe('.data/declared-devices.yaml');
    const ignored = fs
      .readFileSync(path.join(root, '.gitignore'), 'utf8')
      .split('\n');
    expect(ignored).toContain('.data/');
    const appConfig = yaml.parse(
      fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
    );
    expect(
      appConfig.catalog.locations.map((l: { target: string }) => l.target),
    ).toContain('../../.data/declared-devices.yaml');
    expect(
      fs.existsSync(path.join(root, 'examples/fleet/declared-devices.yaml')),
    ).toBe(false);
  });

  it('takes its platform choices from the installed platforms, not a list kept by hand', () => {
    expect(fields.platform.enum).toBeUndefined();
    expect(fields.platform['ui:field']).toBe('ZtpPlatformPicker');
  });

  it.each([
    'FOC2148Z0AB',
    'JPE20154471',
    'JN11D3F4AAFA',
    'TEMP-0001',
    'abcd',
    'FOC 2148',
    'ab',
    '-FOC2148',
    'FOC2148-',
    'A'.repeat(41),
  ])('agrees with ztp-common on serial %s', value => {
    expect(formAccepts('serial', value)).toBe(!validateSerial(value));
  });

  it.each([
    '44:4c:a8:1a:2b:05',
    '44-4C-A8-1A-2B-05',
    '444c.a81a.2b05',
    '444CA81A2B05',
    '44:4c:a8:1a:2b',
    '444c.a81a.2b0',
    'zz:4c:a8:1a:2b:05',
    '44:4c:a8:1a:2b:05:06',
  ])('agrees with ztp-common on MAC %s', value => {
    expect(formAccepts('macAddress', value)).toBe(!!normalizeMac(value));
  });

  it.each([
    '127.0.10.11/24',
    '127.0.20.1/16',
    '198.51.100.7/25',
    '127.0.10.11',
    '127.0.10.300/24',
    '127.0.10.11/33',
    '127.0.10.11/32',
    'leaf-01/24',
  ])('agrees with ztp-common on management address %s', value => {
    expect(formAccepts('managementAddress', value)).toBe(
      !!parseInterfaceAddress(value),
    );
  });

  it.each([
    'GigabitEthernet0',
    'fxp0',
    'Ethernet1/48',
    'et-0/0/1:2',
    'mgmt 0',
    '0/0',
    'Gi0/0\nusername x',
    'x'.repeat(65),
  ])('agrees with ztp-common on management port %j', value => {
    expect(formAccepts('managementInterface', value)).toBe(
      isValidInterfaceName(value),
    );
  });

  it.each([
    'Mgmt-intf',
    'mgmt_junos',
    'MGMT',
    'Mgmt vrf',
    '_x',
    'v'.repeat(33),
  ])('agrees with ztp-common on management VRF %j', value => {
    expect(formAccepts('managementVrf', value)).toBe(isValidVrfName(value));
  });

  it.each([
    '127.0.10.1',
    '192.0.2.1',
    '127.0.10.256',
    'gateway',
    '127.0.10.1/24',
  ])('agrees with ztp-common on gateway %s', value => {
    expect(formAccepts('defaultGateway', value)).toBe(isValidIp(value));
  });

  it.each([
    'leaf-05-par1',
    'leaf-05.par1.example.net',
    'leaf_05',
    '-leaf',
    'leaf-',
    `${'a'.repeat(64)}.example`,
  ])('agrees with ztp-common on hostname %s', value => {
    expect(formAccepts('hostname', value)).toBe(isValidHostname(value));
  });
});
