/*
 * The "Declare a network device" template run by the real scaffolder: the
 * device lands in the local catalog file and then in the catalog, without
 * a ZTP backend (serial corrections unavailable) and without restarting.
 */
import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleScaffolderEntityModel from '@backstage/plugin-catalog-backend-module-scaffolder-entity-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogModuleZtpDevices } from '@ztp-portal/backstage-plugin-catalog-backend-module-ztp';
import { scaffolderModuleZtp } from '@ztp-portal/backstage-plugin-scaffolder-backend-module-ztp';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ztpPlatformAristaEos from '@ztp-portal/backstage-plugin-ztp-backend-module-arista-eos';
import ztpPlatformCiscoIosXe from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-iosxe';
import ztpPlatformCiscoNxos from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-nxos';
import ztpPlatformJuniperJunos from '@ztp-portal/backstage-plugin-ztp-backend-module-juniper-junos';

const examples = path.resolve(__dirname, '../../../examples');

const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => silentLogger,
};

async function freeLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

const values = {
  name: 'leaf-05-par1',
  title: 'Leaf 05 - PAR1',
  site: 'par1',
  system: 'system:default/par1-network',
  owner: 'group:default/network-operators',
  platform: 'arista-eos',
  role: 'leaf',
  // Required by the form since Conf Final needs it.
  variables: './vars/leaf-05-par1.yaml',
  serial: 'TEMP-0005',
  serialTemporary: true,
  managementAddress: '127.0.10.25/24',
  defaultGateway: '127.0.10.1',
  hostname: 'leaf-05-par1',
};

describe('declaring a device with the scaffolder template', () => {
  let baseUrl: string;
  let dir: string;
  let declaredFile: string;
  let backend: ReturnType<typeof createBackend> | undefined;

  const call = async (url: string, init?: RequestInit) => {
    const res = await fetch(`${baseUrl}/api${url}`, {
      ...init,
      headers: { 'content-type': 'application/json' },
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  const runTemplate = async (formValues: Record<string, unknown>) => {
    const created = await call('/scaffolder/v2/tasks', {
      method: 'POST',
      body: JSON.stringify({
        templateRef: 'template:default/declare-network-device',
        values: formValues,
      }),
    });
    if (created.status !== 201) return { created };
    const task = await waitFor('the task to finish', async () => {
      const { body } = await call(`/scaffolder/v2/tasks/${created.body.id}`);
      return ['completed', 'failed'].includes(body.status) ? body : undefined;
    });
    const { body: events } = await call(
      `/scaffolder/v2/tasks/${created.body.id}/events`,
    );
    return { created, task, events: events as any[] };
  };

  beforeAll(async () => {
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'ztp-declare-'));
    // Missing on purpose: the action creates it.
    declaredFile = path.join(dir, 'declared-devices.yaml');
    const port = await freeLoopbackPort();
    baseUrl = `http://127.0.0.1:${port}`;

    backend = createBackend();
    const features = [
      // The shipped platforms, as src/index.ts installs them.
      ztpPlatformCiscoIosXe,
      ztpPlatformCiscoNxos,
      ztpPlatformAristaEos,
      ztpPlatformJuniperJunos,
      catalogPlugin,
      catalogModuleScaffolderEntityModel,
      catalogModuleZtpDevices,
      scaffolderPlugin,
      scaffolderModuleZtp,
      createServiceFactory({
        service: coreServices.logger,
        deps: {},
        factory: () => silentLogger,
      }),
      mockServices.rootLogger.factory({ level: 'none' }),
      mockServices.auth.factory(),
      mockServices.httpAuth.factory(),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            baseUrl,
            listen: { host: '127.0.0.1', port },
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
          catalog: {
            processingInterval: { seconds: 1 },
            rules: [
              {
                allow: [
                  'Domain',
                  'System',
                  'Resource',
                  'Location',
                  'Group',
                  'User',
                  'Template',
                ],
              },
            ],
            locations: [
              path.join(examples, 'fleet/systems.yaml'),
              path.join(examples, 'org.yaml'),
              path.join(
                examples,
                'templates/declare-network-device/template.yaml',
              ),
              declaredFile,
            ].map(target => ({ type: 'file', target })),
          },
          ztp: { scaffolder: { localCatalogFile: declaredFile } },
        },
      }),
    ];
    for (const feature of features) backend.add(feature);
    await backend.start();
    await waitFor('the template in the catalog', async () => {
      const { status } = await call(
        '/catalog/entities/by-name/template/default/declare-network-device',
      );
      return status === 200 ? true : undefined;
    });
  }, 30000);

  afterAll(async () => {
    await backend?.stop();
    await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it('adds the device to the file and the catalog', async () => {
    const { task, events } = await runTemplate(values);
    expect(task?.status).toBe('completed');
    const completion = events!.find(e => e.type === 'completion');
    expect(completion.body.output.links).toEqual([
      expect.objectContaining({ entityRef: 'resource:default/leaf-05-par1' }),
    ]);

    const text = await fs.promises.readFile(declaredFile, 'utf8');
    expect(text).toContain('name: leaf-05-par1');
    expect(text).toContain("ztp.network/serial-temporary: 'true'");

    const device = await waitFor('the device in the catalog', async () => {
      const { status, body } = await call(
        '/catalog/entities/by-name/resource/default/leaf-05-par1',
      );
      return status === 200 ? (body as Entity) : undefined;
    });
    expect(device.metadata.annotations).toMatchObject({
      'ztp.network/serial-number': 'TEMP-0005',
      'ztp.network/serial-temporary': 'true',
      'ztp.network/platform': 'arista-eos',
      'ztp.network/management-address': '127.0.10.25/24',
      'ztp.network/hostname': 'leaf-05-par1',
      'ztp.network/site': 'par1',
    });
    // No ZTP backend here: the declared serial stays, and no error shows.
    expect(
      device.metadata.annotations?.['ztp.network/serial-corrected-from'],
    ).toBeUndefined();
    expect((device as { status?: { items?: unknown[] } }).status?.items).toBe(
      undefined,
    );
    expect(device.spec).toMatchObject({
      type: 'network-device',
      owner: 'group:default/network-operators',
      system: 'system:default/par1-network',
    });
  }, 30000);

  it('rejects values the form does not accept', async () => {
    const { created } = await runTemplate({
      ...values,
      name: 'leaf-06-par1',
      macAddress: '44:4c:a8:1a:2b',
    });
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.body)).toMatch(/macAddress/);

    // Neither MAC nor hostname.
    const { hostname: _, ...withoutHostname } = values;
    const second = await runTemplate({
      ...withoutHostname,
      name: 'leaf-07-par1',
    });
    expect(second.created.status).toBe(400);
    expect(JSON.stringify(second.created.body)).toMatch(/hostname/);
  });

  it('fails the task, writing nothing, when the device clashes', async () => {
    const before = await fs.promises.readFile(declaredFile, 'utf8');
    const { task, events } = await runTemplate({
      ...values,
      name: 'leaf-06-par1',
      managementAddress: '127.0.10.26/24',
    });
    expect(task?.status).toBe('failed');
    expect(JSON.stringify(events)).toContain(
      'ztp.network/serial-number: TEMP-0005 is already declared by resource:default/leaf-05-par1',
    );
    expect(await fs.promises.readFile(declaredFile, 'utf8')).toBe(before);
  }, 30000);
});
