import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import {
  SimulatedDevice,
  simulatedImage,
  type SimulatedDeviceOptions,
} from '@ztp-portal/ztp-simulator';
import request from 'supertest';
import { builtinPlatformFeatures } from './builtinPlatforms';
import { freePort } from './network';
import { QUICK_BOOT, quickSerialChecks } from './testTimings';
import { OPERATOR } from './ztpTestBackend';
import { exampleFleetEntities } from '../finalConfig/__testUtils__/exampleFleet';
import { ztpPlugin } from '../plugin';

/** The approved image a test's devices take: a simulated image file. */
export type TestImage = {
  platform: string;
  version: string;
  file: string;
  payloadBytes: number;
  /** Its MD5 in the catalog too (IOS XE verifies MD5). */
  withMd5?: boolean;
};

/** Polls fn every 300 ms until it gives a value, or fails naming what. */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 120_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 300));
  }
}

/**
 * The real backend with some devices of the example fleet (those named,
 * each with an SSH port of its own, and the rest of its entities), and
 * approved images in a directory of their own, verified on the door
 * before this resolves; automatic upgrades on, with quick timings. What
 * the tests that boot example-fleet devices share (images, replacement).
 */
export async function startExampleFleetBackend(options: {
  names: string[];
  /** Approved images (none by default). */
  images?: TestImage[];
  /** Who is upgraded automatically (default: every device). */
  autoUpgrade?: { autoUpgrade: boolean; autoUpgradeSites?: string[] };
  /** More backend features (a permissions or auditor mock...). */
  features?: Parameters<typeof startTestBackend>[0]['features'];
  /** ztp.* settings beside the images' (DHCP subnets, for instance). */
  ztp?: JsonObject;
  /** ztp.images.upgrade settings over the quick ones. */
  upgrade?: JsonObject;
  /** Changes the declared entities (moves them to other addresses...). */
  entities?: (entities: Entity[], dir: string) => Entity[];
}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-example-fleet-'));
  const approved = (options.images ?? []).map(image => {
    const bytes = simulatedImage(
      image.platform,
      image.version,
      Buffer.alloc(image.payloadBytes, image.file),
    );
    fs.writeFileSync(path.join(dir, image.file), bytes);
    return {
      platform: image.platform,
      version: image.version,
      file: image.file,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      ...(image.withMd5 && {
        md5: createHash('md5').update(bytes).digest('hex'),
      }),
    };
  });
  const doorPort = await freePort();
  const ports = new Map<string, number>();
  for (const n of options.names) ports.set(n, await freePort());
  const declared = exampleFleetEntities().filter(
    e =>
      (e.spec as any)?.type !== 'network-device' ||
      options.names.includes(e.metadata.name),
  );
  const entities: Entity[] = (
    options.entities?.(declared, dir) ?? declared
  ).map(e =>
    ports.has(e.metadata.name)
      ? {
          ...e,
          metadata: {
            ...e.metadata,
            annotations: {
              ...e.metadata.annotations,
              'ztp.network/ssh-port': String(ports.get(e.metadata.name)),
            },
          },
        }
      : e,
  );
  const backend = await startTestBackend({
    features: [
      ztpPlugin,
      ...builtinPlatformFeatures,
      schedulerServiceFactory,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          ztp: {
            secrets: { key: 'image-fleet-key-0123456789' },
            provisioning: {
              host: '127.0.0.1',
              port: doorPort,
              tftp: { enabled: false },
            },
            serialCheck: quickSerialChecks(8000),
            finalConfig: { deadlineMs: 30_000 },
            catalogSync: { indexRefreshSeconds: 1 },
            images: {
              directory: dir,
              approved,
              ...(options.autoUpgrade ?? { autoUpgrade: true }),
              upgrade: {
                commandTimeoutSeconds: 60,
                rebootTimeoutSeconds: 40,
                pollInitialMs: 300,
                pollMaxMs: 1000,
                sweepSeconds: 1,
                ...options.upgrade,
              },
            },
            ...options.ztp,
          },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  const api = request(backend.server) as any;
  const door = `http://127.0.0.1:${doorPort}`;
  const get = async (url: string) =>
    (await api.get(url).set({ Authorization: OPERATOR })).body;
  // A booting device is offered the image once its file is verified.
  await until('the image verified on the door', async () => {
    const { images } = await get('/api/ztp/images');
    return images?.every((i: any) => i.status === 'verified') || undefined;
  });
  const simulated: SimulatedDevice[] = [];
  const annotationsOf = (name: string): Record<string, string> =>
    entities.find(e => e.metadata.name === name)!.metadata.annotations!;

  return {
    api,
    door,
    dir,
    approved,
    /** A device's state and timeline (GET /devices/default/<name>). */
    details: (name: string) => get(`/api/ztp/devices/default/${name}`),
    /** The names GET /devices lists with this Image state. */
    listed: async (state: string) =>
      (await get(`/api/ztp/devices?image=${state}`)).items.map(
        (d: any) => d.name,
      ),
    /** The generated Kea reservations (what DHCP would hand each device). */
    reservations: async (): Promise<any[]> =>
      (
        await get('/api/ztp/dhcp/kea-config?part=reservations')
      ).content?.subnet4?.flatMap((s: any) => s.reservations ?? []) ?? [],
    /**
     * The simulated box of a declared device, from its entity (address,
     * MAC, serial, model) and what the test gives (its release...);
     * powered on.
     */
    async powerOn(
      name: string,
      more: Partial<SimulatedDeviceOptions> = {},
    ): Promise<SimulatedDevice> {
      const a = annotationsOf(name);
      const device = new SimulatedDevice({
        name,
        platform: a[
          'ztp.network/platform'
        ] as SimulatedDeviceOptions['platform'],
        ...(a['ztp.network/model'] ? { model: a['ztp.network/model'] } : {}),
        managementIp: a['ztp.network/management-address'].split('/')[0],
        sshPort: ports.get(name),
        hostname: name,
        macAddress: a['ztp.network/mac-address'],
        realSerial: a['ztp.network/serial-number'],
        provisioningUrl: door,
        ...QUICK_BOOT,
        rebootMs: 1000,
        ...more,
      });
      simulated.push(device);
      await device.powerOn();
      return device;
    },
    annotationsOf,
    async stop() {
      await Promise.all(simulated.map(d => d.powerOff()));
      await backend.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type ExampleFleetBackend = Awaited<
  ReturnType<typeof startExampleFleetBackend>
>;
