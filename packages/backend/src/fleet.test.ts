/*
 * The example fleet through the real catalog with the ZTP catalog module:
 * every device is accepted with valid ZTP annotations, serial corrections
 * reach the entity, and a bad declaration is reported on its own entity
 * without touching the others.
 */
import {
  coreServices,
  createServiceFactory,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import catalogModuleLogs from '@backstage/plugin-catalog-backend-module-logs';
import catalogModuleYamlParser from '@ztp-portal/backstage-plugin-catalog-backend-module-yaml-parser';
import type { Entity } from '@backstage/catalog-model';
import {
  catalogModuleZtpDevices,
  serialCorrectionSourceServiceRef,
} from '@ztp-portal/backstage-plugin-catalog-backend-module-ztp';
import type { SerialCorrectionInfo } from '@ztp-portal/backstage-plugin-catalog-backend-module-ztp';
import {
  ANNOTATION_MAC_ADDRESS,
  ANNOTATION_SERIAL,
  ANNOTATION_SERIAL_CORRECTED_FROM,
  ANNOTATION_SERIAL_TEMPORARY,
  parseDeviceAnnotations,
} from '@ztp-portal/backstage-plugin-ztp-common';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ztpPlatformAristaEos from '@ztp-portal/backstage-plugin-ztp-backend-module-arista-eos';
import ztpPlatformCiscoIosXe from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-iosxe';
import ztpPlatformCiscoNxos from '@ztp-portal/backstage-plugin-ztp-backend-module-cisco-nxos';
import ztpPlatformJuniperJunos from '@ztp-portal/backstage-plugin-ztp-backend-module-juniper-junos';

const examples = path.resolve(__dirname, '../../../examples');
const devicesFile = path.join(examples, 'fleet/devices.yaml');
/** The platforms the portal ships (one package each, added in src/index.ts). */
const platforms = ['cisco-iosxe', 'cisco-nxos', 'arista-eos', 'juniper-junos'];

/** The names declared in devices.yaml (each document's metadata.name). */
const fleetNames = [
  ...fs.readFileSync(devicesFile, 'utf8').matchAll(/^ {2}name: (\S+)$/gm),
].map(m => m[1]);

/** A device in the lab file next to the fleet, valid to begin with. */
function labDevice(name: string, annotations: Record<string, string>) {
  return `---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: ${name}
  annotations:
${Object.entries(annotations)
  .map(([k, v]) => `    ${k}: '${v}'`)
  .join('\n')}
spec:
  type: network-device
  owner: group:default/network-operators
  system: system:default/par1-network
`;
}
const lab01 = {
  'ztp.network/serial-number': 'JPE20990001',
  'ztp.network/platform': 'arista-eos',
  'ztp.network/management-address': '127.0.10.61/24',
  'ztp.network/default-gateway': '127.0.10.1',
  'ztp.network/mac-address': '44:4c:a8:a1:10:61',
};

/** Warnings of the catalog's log module: processing errors of any entity. */
const warnings: { message: string; entity?: string }[] = [];

class RecordingLogger implements LoggerService {
  constructor(private readonly meta: Record<string, unknown> = {}) {}
  error() {}
  info() {}
  debug() {}
  warn(message: string, meta?: Error | Record<string, unknown>) {
    const all = { ...this.meta, ...(meta instanceof Error ? {} : meta) };
    warnings.push({ message, entity: all.entity as string | undefined });
  }
  child(meta: Record<string, unknown>): LoggerService {
    return new RecordingLogger({ ...this.meta, ...meta });
  }
}

/** A free port on loopback: the test backend listens there and nowhere else. */
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
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for ${what}${last ? `: ${last}` : ''}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** The processing errors the catalog shows on an entity's page. */
const processingErrors = (entity: Entity) =>
  (
    (entity as { status?: { items?: { level: string; message: string }[] } })
      .status?.items ?? []
  )
    .filter(i => i.level === 'error')
    .map(i => i.message);

describe('the example fleet in the catalog', () => {
  const corrections = new Map<string, SerialCorrectionInfo>();
  let baseUrl: string;
  let labDir: string;
  let labFile: string;
  let backend: ReturnType<typeof createBackend> | undefined;

  const api = async (url: string, init?: RequestInit) => {
    const res = await fetch(`${baseUrl}/api/catalog${url}`, {
      ...init,
      headers: { 'content-type': 'application/json' },
    });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    const text = await res.text();
    return text ? JSON.parse(text) : undefined;
  };
  const devices = async (): Promise<Entity[]> =>
    (
      await api(
        '/entities/by-query?filter=kind=resource,spec.type=network-device&limit=500',
      )
    ).items;
  const entity = async (name: string): Promise<Entity | undefined> => {
    const res = await fetch(
      `${baseUrl}/api/catalog/entities/by-name/resource/default/${name}`,
    );
    return res.status === 404 ? undefined : res.json();
  };
  const refresh = (entityRef: string) =>
    api('/refresh', { method: 'POST', body: JSON.stringify({ entityRef }) });

  beforeAll(async () => {
    labDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'ztp-fleet-'));
    labFile = path.join(labDir, 'lab.yaml');
    await fs.promises.writeFile(labFile, labDevice('lab-01-par1', lab01));

    const port = await freeLoopbackPort();
    baseUrl = `http://127.0.0.1:${port}`;
    // The production backend and HTTP server, on loopback, with mock
    // authentication so that the test can call the catalog API.
    backend = createBackend();
    const features = [
      // The shipped platforms, as src/index.ts installs them.
      ztpPlatformCiscoIosXe,
      ztpPlatformCiscoNxos,
      ztpPlatformAristaEos,
      ztpPlatformJuniperJunos,
      catalogPlugin,
      catalogModuleLogs,
      // The portal reads its YAML locations with it (src/index.ts).
      catalogModuleYamlParser,
      catalogModuleZtpDevices,
      createServiceFactory({
        service: serialCorrectionSourceServiceRef,
        deps: {},
        factory: () => ({
          getCorrection: async (ref: string) =>
            corrections.get(ref.toLocaleLowerCase('en-US')),
        }),
      }),
      createServiceFactory({
        service: coreServices.logger,
        deps: {},
        factory: () => new RecordingLogger(),
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
                ],
              },
            ],
            locations: ['fleet/systems.yaml', 'fleet/devices.yaml', 'org.yaml']
              .map(f => path.join(examples, f))
              .concat(labFile)
              .map(target => ({ type: 'file', target })),
          },
        },
      }),
    ];
    for (const feature of features) backend.add(feature);
    await backend.start();
  }, 30000);

  afterAll(async () => {
    await backend?.stop();
    await fs.promises.rm(labDir, { recursive: true, force: true });
  });

  it('has every device of the fleet, valid and without processing errors', async () => {
    expect(fleetNames.length).toBeGreaterThanOrEqual(12);
    const fleet = await waitFor('the whole fleet', async () => {
      const items = await devices();
      const found = fleetNames.map(n => items.find(e => e.metadata.name === n));
      return found.every(Boolean) ? (found as Entity[]) : undefined;
    });

    const checked = fleet.map(device => {
      const parsed = parseDeviceAnnotations(
        device.metadata.annotations ?? {},
        platforms,
      );
      return {
        name: device.metadata.name,
        problems: [
          ...(parsed.ok ? [] : parsed.errors),
          ...processingErrors(device),
        ],
        declaration: parsed.ok ? parsed.declaration : undefined,
        relations: (device.relations ?? []).map(
          r => `${r.type} ${r.targetRef}`,
        ),
      };
    });
    expect(checked.filter(d => d.problems.length)).toEqual([]);
    expect(
      [...new Set(checked.map(d => d.declaration?.platform))].sort(),
    ).toEqual([...platforms].sort());
    for (const { declaration, relations } of checked) {
      expect(declaration?.managementIp).toMatch(/^127\.0\.(10|20)\./);
      expect(relations).toContain('ownedBy group:default/network-operators');
      expect(relations).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^partOf system:default\/(par1|lon1)-network$/),
        ]),
      );
    }
    // Leafs depend on the spines of their site.
    const leafs = checked.filter(d => d.name.startsWith('leaf-'));
    expect(leafs.length).toBeGreaterThan(0);
    for (const leaf of leafs) {
      const site = leaf.name.split('-').pop();
      expect(leaf.relations).toEqual(
        expect.arrayContaining([
          `dependsOn resource:default/spine-01-${site}`,
          `dependsOn resource:default/spine-02-${site}`,
        ]),
      );
    }

    // Exactly one device waits for its serial to be confirmed.
    const temporary = fleet.filter(
      d => d.metadata.annotations?.[ANNOTATION_SERIAL_TEMPORARY] === 'true',
    );
    expect(temporary.map(d => d.metadata.name)).toEqual(['leaf-04-par1']);

    // The systems the devices belong to, and no errors from the catalog.
    for (const system of ['par1-network', 'lon1-network']) {
      const res = await fetch(
        `${baseUrl}/api/catalog/entities/by-name/system/default/${system}`,
      );
      expect(res.status).toBe(200);
    }
    expect(warnings.filter(w => w.entity)).toEqual([]);
  }, 30000);

  it('puts a serial correction on the device entity', async () => {
    const before = await entity('leaf-04-par1');
    const declared = before!.metadata.annotations![ANNOTATION_SERIAL];
    corrections.set('resource:default/leaf-04-par1', {
      serial: 'SSJ20154488',
      previousSerial: declared,
      correctedBy: 'user:default/guest',
      correctedAt: new Date().toISOString(),
    });
    await refresh('resource:default/leaf-04-par1');

    const after = await waitFor('the corrected serial', async () => {
      const e = await entity('leaf-04-par1');
      return e?.metadata.annotations?.[ANNOTATION_SERIAL] === 'SSJ20154488'
        ? e
        : undefined;
    });
    expect(after.metadata.annotations).toMatchObject({
      [ANNOTATION_SERIAL_TEMPORARY]: 'false',
      [ANNOTATION_SERIAL_CORRECTED_FROM]: declared,
    });
    expect(processingErrors(after)).toEqual([]);
  }, 30000);

  it('shows the errors of a bad declaration on its entity only', async () => {
    await waitFor('the lab device', () => entity('lab-01-par1'));
    const leafSerial = (await entity('leaf-01-par1'))!.metadata.annotations![
      ANNOTATION_SERIAL
    ];

    // The lab device now takes a fleet device's serial and has a broken
    // MAC; a new device names a platform nobody knows.
    await fs.promises.writeFile(
      labFile,
      labDevice('lab-01-par1', {
        ...lab01,
        [ANNOTATION_SERIAL]: leafSerial,
        [ANNOTATION_MAC_ADDRESS]: '44:4c:a8:a1:10',
      }) +
        labDevice('lab-02-par1', {
          ...lab01,
          'ztp.network/serial-number': 'JPE20990002',
          'ztp.network/platform': 'nokia-srl',
          'ztp.network/management-address': '127.0.10.62/24',
          'ztp.network/mac-address': '44:4c:a8:a1:10:62',
        }),
    );
    const { items: locations } = await api(
      `/entities/by-query?filter=kind=location,spec.target=${encodeURIComponent(
        labFile,
      )}`,
    );
    expect(locations).toHaveLength(1);
    await refresh(`location:default/${locations[0].metadata.name}`);

    const errors = await waitFor('the errors of lab-01-par1', async () => {
      const e = await entity('lab-01-par1');
      const found = e ? processingErrors(e) : [];
      return found.length >= 2 ? found : undefined;
    });
    expect(errors.sort()).toEqual([
      `InputError: ${ANNOTATION_MAC_ADDRESS}: "44:4c:a8:a1:10" is not a MAC address (like 52:54:00:12:34:56)`,
      `InputError: ${ANNOTATION_SERIAL}: ${leafSerial} is already declared by resource:default/leaf-01-par1; each device needs its own value (the device that declared it first keeps it)`,
    ]);
    // The catalog keeps the last good version of the entity.
    expect(
      (await entity('lab-01-par1'))!.metadata.annotations![ANNOTATION_SERIAL],
    ).toBe('JPE20990001');

    // A new device that never passed is not in the catalog; its error is
    // reported by the catalog's log module.
    await waitFor('the error of lab-02-par1', async () =>
      warnings.find(
        w =>
          w.entity === 'resource:default/lab-02-par1' &&
          w.message.includes('unknown platform "nokia-srl"'),
      ),
    );
    expect(await entity('lab-02-par1')).toBeUndefined();

    // The fleet is untouched, the device whose serial was taken included.
    const fleet = await devices();
    for (const name of fleetNames) {
      const device = fleet.find(e => e.metadata.name === name);
      expect({ name, errors: device && processingErrors(device) }).toEqual({
        name,
        errors: [],
      });
    }
    expect(
      warnings.filter(
        w => w.entity && !/^resource:default\/lab-0[12]-par1$/.test(w.entity),
      ),
    ).toEqual([]);
  }, 40000);
});
