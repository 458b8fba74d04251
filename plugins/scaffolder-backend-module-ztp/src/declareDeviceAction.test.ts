import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { createDeclareDeviceAction } from './declareDeviceAction';
import {
  findRepoRoot,
  LocalCatalogFile,
  resolveLocalCatalogFile,
} from './LocalCatalogFile';
import { aristaEosDriver } from '@ztp-portal/backstage-plugin-ztp-backend-module-arista-eos';
import { ciscoIosXeDriver } from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-iosxe';
import { ciscoNxosDriver } from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-nxos';
import { juniperJunosDriver } from '@ztp-portal/backstage-plugin-ztp-backend-module-juniper-junos';

/** The platform packages the portal ships. */
const platforms = [
  ciscoIosXeDriver,
  ciscoNxosDriver,
  aristaEosDriver,
  juniperJunosDriver,
];

type Input = Record<string, string | boolean | undefined>;

const goodInput: Input = {
  name: 'leaf-05-par1',
  title: 'Leaf 05 - PAR1',
  site: 'par1',
  system: 'system:default/par1-network',
  owner: 'group:default/network-operators',
  platform: 'arista-eos',
  role: 'leaf',
  serial: 'JPE20157777',
  serialTemporary: false,
  managementAddress: '127.0.10.25/24',
  defaultGateway: '127.0.10.1',
  macAddress: '444C.A81A.2B05',
  hostname: 'leaf-05-par1',
};

function existingDevice(name: string, annotations: Record<string, string>) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'ztp.network/platform': 'arista-eos',
        'ztp.network/management-address': '127.0.10.21/24',
        ...annotations,
      },
    },
    spec: { type: 'network-device', owner: 'group:default/network-operators' },
  } as Entity;
}

describe('ztp:device:declare', () => {
  let root: string;
  let file: LocalCatalogFile;

  beforeEach(async () => {
    root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'ztp-declare-'));
    file = new LocalCatalogFile(
      resolveLocalCatalogFile(new ConfigReader({}), root),
    );
  });
  afterEach(() => fs.promises.rm(root, { recursive: true, force: true }));

  function context(input: Input, isDryRun = false) {
    const outputs: Record<string, unknown> = {};
    const logger = mockServices.logger.mock();
    const ctx = {
      input,
      logger,
      isDryRun,
      workspacePath: root,
      task: { id: 'task-1' },
      output: (name: string, value: unknown) => {
        outputs[name] = value;
      },
      checkpoint: async ({ fn }: { key: string; fn: () => unknown }) => fn(),
      createTemporaryDirectory: async () =>
        fs.promises.mkdtemp(path.join(root, 'tmp-')),
      getInitiatorCredentials: async () =>
        mockServices.auth().getOwnServiceCredentials(),
    };
    return { ctx: ctx as any, outputs, logger };
  }

  const fileText = () => fs.promises.readFile(file.path, 'utf8');

  it('writes the entity to a new local catalog file and refreshes its location', async () => {
    const catalog = catalogServiceMock.mock({
      getEntities: async () => ({ items: [] }),
      getEntityByRef: async () => undefined,
      refreshEntity: async () => {},
    });
    const action = createDeclareDeviceAction({
      platforms,
      file,
      catalog,
      auth: mockServices.auth(),
    });
    // An empty form field is not declared at all.
    const { ctx, outputs } = context({
      ...goodInput,
      managementInterface: '',
      managementVrf: 'MGMT',
      // The form's "Final configuration variables": what Conf Final renders from.
      variables: './vars/leaf-05-par1.yaml',
    });
    await action.handler(ctx);

    expect(file.path).toBe(path.join(root, '.data/declared-devices.yaml'));
    expect(outputs.entityRef).toBe('resource:default/leaf-05-par1');
    expect(outputs.catalogFile).toBe('.data/declared-devices.yaml');
    const expected = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'leaf-05-par1',
        title: 'Leaf 05 - PAR1',
        tags: ['arista-eos', 'leaf', 'par1'],
        annotations: {
          'ztp.network/serial-number': 'JPE20157777',
          'ztp.network/serial-temporary': 'false',
          'ztp.network/platform': 'arista-eos',
          'ztp.network/management-address': '127.0.10.25/24',
          'ztp.network/management-vrf': 'MGMT',
          'ztp.network/default-gateway': '127.0.10.1',
          'ztp.network/mac-address': '44:4c:a8:1a:2b:05',
          'ztp.network/hostname': 'leaf-05-par1',
          'ztp.network/site': 'par1',
          'ztp.network/role': 'leaf',
          'ztp.network/variables': './vars/leaf-05-par1.yaml',
        },
      },
      spec: {
        type: 'network-device',
        owner: 'group:default/network-operators',
        system: 'system:default/par1-network',
      },
    };
    expect(yaml.parse(outputs.yaml as string)).toEqual(expected);

    const text = await fileText();
    expect(text).toMatch(/^# Network devices declared with the Scaffolder/);
    expect(text.endsWith(outputs.yaml as string)).toBe(true);
    const docs = yaml.parseAllDocuments(text).map(d => d.toJS());
    expect(docs).toEqual([expected]);

    // The config location's entity of that file is read again.
    expect(catalog.refreshEntity).toHaveBeenCalledWith(
      expect.stringMatching(/^location:default\/generated-[0-9a-f]{40}$/),
      expect.anything(),
    );
  });

  it('appends to an existing file as a new document', async () => {
    await fs.promises.mkdir(path.dirname(file.path), { recursive: true });
    await fs.promises.writeFile(
      file.path,
      '# hand-made\napiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: other\nspec:\n  type: rack\n  owner: network-operators',
    );
    const action = createDeclareDeviceAction({ file, platforms });
    await action.handler(context(goodInput).ctx);
    await action.handler(
      context({
        ...goodInput,
        name: 'leaf-06-par1',
        serial: 'TEMP-0002',
        serialTemporary: true,
        managementAddress: '127.0.10.26/24',
        macAddress: '',
        hostname: 'leaf-06-par1',
      }).ctx,
    );

    const docs = yaml.parseAllDocuments(await fileText()).map(d => d.toJS());
    expect(docs.map(d => d.metadata.name)).toEqual([
      'other',
      'leaf-05-par1',
      'leaf-06-par1',
    ]);
    expect(docs[2].metadata.annotations).toMatchObject({
      'ztp.network/serial-number': 'TEMP-0002',
      'ztp.network/serial-temporary': 'true',
    });
    expect(docs[2].metadata.annotations['ztp.network/mac-address']).toBe(
      undefined,
    );
  });

  it('only shows the entity in a dry run', async () => {
    const action = createDeclareDeviceAction({ file, platforms });
    const { ctx, outputs } = context(goodInput, true);
    await action.handler(ctx);
    expect(yaml.parse(outputs.yaml as string).metadata.name).toBe(
      'leaf-05-par1',
    );
    expect(fs.existsSync(file.path)).toBe(false);
  });

  it.each([
    [
      { serial: 'FOC 2148' },
      /serial-number: "FOC 2148" is not a serial number/,
    ],
    [{ platform: 'nokia-srl' }, /unknown platform "nokia-srl"/],
    [
      { managementAddress: '127.0.10.25' },
      /not an IP address with a prefix length/,
    ],
    [{ defaultGateway: 'gw' }, /default-gateway: "gw" is not an IP address/],
    [{ macAddress: '44:4c:a8:1a:2b' }, /"44:4c:a8:1a:2b" is not a MAC address/],
    [
      { macAddress: '', hostname: '' },
      /needs ztp.network\/mac-address or ztp.network\/hostname/,
    ],
    [{ name: 'Leaf 05' }, /name: "Leaf 05" is not a valid entity name/],
    [
      { owner: 'user:default/jane' },
      /owner: "user:default\/jane" is not a group reference/,
    ],
    [{ site: '' }, /ztp.network\/site: is required/],
  ])('refuses %o and writes nothing', async (change, message) => {
    const action = createDeclareDeviceAction({ file, platforms });
    const { ctx, outputs } = context({ ...goodInput, ...change });
    const error = await action.handler(ctx).then(
      () => undefined,
      e => e,
    );
    expect(error?.name).toBe('InputError');
    expect(error.message).toMatch(/^The device declaration is not valid:/);
    expect(error.message).toMatch(message);
    expect(fs.existsSync(file.path)).toBe(false);
    expect(outputs).toEqual({});
  });

  it('refuses values another device in the catalog already has', async () => {
    const catalog = catalogServiceMock({
      entities: [
        existingDevice('leaf-03-par1', {
          'ztp.network/serial-number': 'JPE20157777',
          'ztp.network/mac-address': '44:4c:a8:1a:2b:05',
        }),
      ],
    });
    const action = createDeclareDeviceAction({
      platforms,
      file,
      catalog,
      auth: mockServices.auth(),
    });
    await expect(action.handler(context(goodInput).ctx)).rejects.toThrow(
      /serial-number: JPE20157777 is already declared by resource:default\/leaf-03-par1[^]*mac-address: 44:4c:a8:1a:2b:05 is already declared/,
    );
    expect(fs.existsSync(file.path)).toBe(false);
  });

  it('refuses a name the catalog already has', async () => {
    const catalog = catalogServiceMock({
      entities: [
        existingDevice('leaf-05-par1', {
          'ztp.network/serial-number': 'JPE00000001',
          'ztp.network/hostname': 'other',
          'ztp.network/management-address': '127.0.10.99/24',
        }),
      ],
    });
    const action = createDeclareDeviceAction({
      platforms,
      file,
      catalog,
      auth: mockServices.auth(),
    });
    await expect(action.handler(context(goodInput).ctx)).rejects.toThrow(
      'resource:default/leaf-05-par1 already exists in the catalog',
    );
  });

  it('refuses a device the file already declares, even before the catalog has it', async () => {
    const action = createDeclareDeviceAction({ file, platforms });
    await action.handler(context(goodInput).ctx);
    const before = await fileText();
    await expect(
      action.handler(
        context({ ...goodInput, name: 'leaf-07-par1', hostname: 'leaf-07' })
          .ctx,
      ),
    ).rejects.toThrow(
      /serial-number: JPE20157777 is already declared by resource:default\/leaf-05-par1 in \.data\/declared-devices\.yaml/,
    );
    await expect(action.handler(context(goodInput).ctx)).rejects.toThrow(
      'resource:default/leaf-05-par1 is already declared in .data/declared-devices.yaml',
    );
    expect(await fileText()).toBe(before);
  });

  it('lets only one of two simultaneous declarations of a serial in', async () => {
    const action = createDeclareDeviceAction({ file, platforms });
    const results = await Promise.allSettled([
      action.handler(context(goodInput).ctx),
      action.handler(
        context({
          ...goodInput,
          name: 'leaf-08-par1',
          hostname: 'leaf-08-par1',
          macAddress: '44:4c:a8:1a:2b:08',
          managementAddress: '127.0.10.28/24',
        }).ctx,
      ),
    ]);
    expect(results.map(r => r.status).sort()).toEqual([
      'fulfilled',
      'rejected',
    ]);
    expect(yaml.parseAllDocuments(await fileText())).toHaveLength(1);
  });

  it('refuses to add to a file that is not valid YAML', async () => {
    await fs.promises.mkdir(path.dirname(file.path), { recursive: true });
    await fs.promises.writeFile(file.path, 'metadata: [unclosed\n');
    const action = createDeclareDeviceAction({ file, platforms });
    await expect(action.handler(context(goodInput).ctx)).rejects.toThrow(
      /is not valid YAML/,
    );
    expect(await fileText()).toBe('metadata: [unclosed\n');
  });

  it('still writes when the location cannot be refreshed', async () => {
    const catalog = catalogServiceMock.mock({
      getEntities: async () => ({ items: [] }),
      getEntityByRef: async () => undefined,
      refreshEntity: async () => {
        throw new Error('NotFoundError');
      },
    });
    const action = createDeclareDeviceAction({
      platforms,
      file,
      catalog,
      auth: mockServices.auth(),
    });
    const { ctx, logger } = context(goodInput);
    await action.handler(ctx);
    expect(fs.existsSync(file.path)).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('in catalog.locations?'),
    );
  });
});

describe('local catalog file location', () => {
  it('resolves relative paths inside the repository only', () => {
    const root = '/srv/portal';
    expect(
      resolveLocalCatalogFile(
        new ConfigReader({
          ztp: { scaffolder: { localCatalogFile: 'catalog/devices.yaml' } },
        }),
        root,
      ).path,
    ).toBe('/srv/portal/catalog/devices.yaml');
    expect(() =>
      resolveLocalCatalogFile(
        new ConfigReader({
          ztp: { scaffolder: { localCatalogFile: '../../etc/devices.yaml' } },
        }),
        root,
      ),
    ).toThrow(/outside its parent/);
    expect(() =>
      resolveLocalCatalogFile(
        new ConfigReader({
          ztp: { scaffolder: { localCatalogFile: 'catalog/devices.json' } },
        }),
        root,
      ),
    ).toThrow(/must name a .yaml or .yml file/);
    expect(
      resolveLocalCatalogFile(
        new ConfigReader({
          ztp: { scaffolder: { localCatalogFile: '/var/lib/ztp/devices.yml' } },
        }),
        root,
      ).path,
    ).toBe('/var/lib/ztp/devices.yml');
  });

  it('finds the repository root from a package folder', () => {
    const root = findRepoRoot(__dirname);
    expect(fs.existsSync(path.join(root, 'plugins/ztp-backend'))).toBe(true);
  });

  it('creates the declared-devices file in the data directory, once', async () => {
    const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'ztp-data-'));
    try {
      const file = new LocalCatalogFile(
        resolveLocalCatalogFile(new ConfigReader({}), root),
      );
      expect(file.displayPath).toBe('.data/declared-devices.yaml');
      await file.ensureExists();
      expect(await file.read()).toEqual([]);
      await file.append(
        { apiVersion: 'v1', kind: 'Resource', metadata: { name: 'x' } },
        () => {},
      );
      await file.ensureExists();
      expect((await file.read()).map(e => e.metadata.name)).toEqual(['x']);
    } finally {
      await fs.promises.rm(root, { recursive: true, force: true });
    }
  });

  it('refuses to write through a link', async () => {
    const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'ztp-link-'));
    try {
      const target = path.join(root, 'elsewhere.yaml');
      await fs.promises.writeFile(target, '');
      await fs.promises.mkdir(path.join(root, '.data'), {
        recursive: true,
      });
      await fs.promises.symlink(
        target,
        path.join(root, '.data/declared-devices.yaml'),
      );
      const file = new LocalCatalogFile(
        resolveLocalCatalogFile(new ConfigReader({}), root),
      );
      await expect(
        file.append(
          { apiVersion: 'v1', kind: 'Resource', metadata: { name: 'x' } },
          () => {},
        ),
      ).rejects.toThrow(/not a regular file/);
      expect(await fs.promises.readFile(target, 'utf8')).toBe('');
    } finally {
      await fs.promises.rm(root, { recursive: true, force: true });
    }
  });
});
