import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Entity } from '@backstage/catalog-model';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { imageCompliance } from '@ztp-portal/backstage-plugin-ztp-common';
import { SimulatedDevice, simulatedImage } from '@ztp-portal/ztp-simulator';
import request from 'supertest';
import { builtinPlatformFeatures } from '../__testUtils__/builtinPlatforms';
import { ztpPlugin } from '../plugin';
import { exampleFleetEntities } from '../finalConfig/__testUtils__/exampleFleet';
import { freePort } from '../__testUtils__/network';
import { QUICK_BOOT, quickSerialChecks } from '../__testUtils__/testTimings';

jest.setTimeout(240_000);

const OPERATOR = mockCredentials.user.header('user:default/operator');
const FROM = '17.06.05';
const TO = '17.9.4a';
const FILE = 'cat9k_iosxe.17.09.04a.SPA.bin';
/** Takes the image in its Guest Shell script. */
const GOOD = 'oob-01-par1';
/** Its downloads arrive corrupted: "verify /md5" refuses the file. */
const CORRUPTED = 'edge-01-lon1';
const NAMES = [GOOD, CORRUPTED];

async function until<T>(
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

describe('IOS XE takes the approved image in its Guest Shell ZTP script, through the real backend', () => {
  const simulated = new Map<string, SimulatedDevice>();
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let api: request.SuperTest<request.Test>;
  let dir: string;
  let approved: Array<{
    platform: string;
    version: string;
    file: string;
    size: number;
    sha256: string;
    md5: string;
  }>;

  const details = async (name: string) =>
    (
      await api
        .get(`/api/ztp/devices/default/${name}`)
        .set({ Authorization: OPERATOR })
    ).body;
  const checked = (name: string) =>
    until(`${name} Checked`, async () => {
      const d = await details(name);
      return d.device?.serial.state === 'checked' ? d : undefined;
    });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-image-iosxe-'));
    const bytes = simulatedImage(
      'cisco-iosxe',
      TO,
      Buffer.alloc(600_000, 'cat9k payload '),
    );
    fs.writeFileSync(path.join(dir, FILE), bytes);
    approved = [
      {
        platform: 'cisco-iosxe',
        version: TO,
        file: FILE,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        md5: createHash('md5').update(bytes).digest('hex'),
      },
    ];
    const doorPort = await freePort();
    const ports = new Map<string, number>();
    for (const n of NAMES) ports.set(n, await freePort());
    const entities: Entity[] = exampleFleetEntities()
      .filter(
        e =>
          (e.spec as any)?.type !== 'network-device' ||
          NAMES.includes(e.metadata.name),
      )
      .map(e =>
        NAMES.includes(e.metadata.name)
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
    backend = await startTestBackend({
      features: [
        ztpPlugin,
        ...builtinPlatformFeatures,
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            ztp: {
              secrets: { key: 'iosxe-image-key-0123456789' },
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
                autoUpgrade: true,
                upgrade: {
                  commandTimeoutSeconds: 60,
                  rebootTimeoutSeconds: 40,
                  pollInitialMs: 300,
                  pollMaxMs: 1000,
                  sweepSeconds: 1,
                },
              },
            },
          },
        }),
        mockServices.permissions.factory(),
      ],
    });
    api = request(backend.server) as any;
    // The image must be verified on the door before any script names it.
    await until('the image verified on the door', async () => {
      const images = (
        await api.get('/api/ztp/images').set({ Authorization: OPERATOR })
      ).body.images;
      return images?.every((i: any) => i.status === 'verified')
        ? true
        : undefined;
    });
    const all = exampleFleetEntities();
    for (const name of NAMES) {
      const a = all.find(e => e.metadata.name === name)!.metadata.annotations!;
      const device = new SimulatedDevice({
        name,
        platform: 'cisco-iosxe',
        ...(a['ztp.network/model'] ? { model: a['ztp.network/model'] } : {}),
        managementIp: a['ztp.network/management-address'].split('/')[0],
        sshPort: ports.get(name),
        hostname: name,
        macAddress: a['ztp.network/mac-address'],
        realSerial: a['ztp.network/serial-number'],
        softwareVersion: FROM,
        provisioningUrl: `http://127.0.0.1:${doorPort}`,
        ...QUICK_BOOT,
        rebootMs: 1000,
        corruptImageDownloads: name === CORRUPTED,
      });
      simulated.set(name, device);
      await device.powerOn();
    }
  });

  afterAll(async () => {
    await Promise.all([...simulated.values()].map(d => d.powerOff()));
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a box on an old release takes the image during ZTP, reloads, runs ZTP again and reaches Checked on the approved release without an SSH upgrade; Conf Final is accepted', async () => {
    const body = await checked(GOOD);
    const device = simulated.get(GOOD)!;
    expect(device.softwareVersion).toBe(TO);
    // Two runs of the script: the install's reload, then the configuration.
    expect(device.scripts).toHaveLength(2);
    expect(body.device.software.runningVersion).toBe(TO);
    expect(
      imageCompliance(
        {
          platform: 'cisco-iosxe',
          runningVersion: body.device.software.runningVersion,
        },
        [{ ...approved[0], modelFamily: '' }] as any,
      ).state,
    ).toBe('compliant');
    const types = body.events.map((e: any) => e.type);
    expect(types).not.toContain('image.upgrade-started');
    expect(types).not.toContain('bootstrap.image-failed');
    const download = body.events.find(
      (e: any) => e.type === 'image.downloaded',
    );
    expect(download.details).toMatchObject({
      file: FILE,
      outcome: 'complete',
    });
    const progress = body.events
      .filter((e: any) => e.type === 'bootstrap.progress')
      .map((e: any) => e.message);
    expect(progress).toEqual(
      expect.arrayContaining([
        `software image: downloading ${FILE}`,
        `software image: verifying the MD5 of flash:${FILE}`,
        `software image: installing ${FILE}; rebooting into ${TO}`,
        `software image: already runs ${TO}`,
        'configuration applied',
      ]),
    );
    const push = await api
      .post(`/api/ztp/devices/default/${GOOD}/final-config/push`)
      .set({ Authorization: OPERATOR });
    expect({ status: push.status, ok: push.body.ok }).toEqual({
      status: 200,
      ok: true,
    });
  });

  it('a corrupted download is refused by "verify /md5": the box keeps its release, says why in the timeline, is configured and reaches Checked with its upgrade still needed', async () => {
    const body = await checked(CORRUPTED);
    const device = simulated.get(CORRUPTED)!;
    expect(device.softwareVersion).toBe(FROM);
    expect(device.scripts).toHaveLength(1);
    expect(body.device.software.runningVersion).toBe(FROM);
    expect(
      imageCompliance({ platform: 'cisco-iosxe', runningVersion: FROM }, [
        { ...approved[0], modelFamily: '' },
      ] as any).state,
    ).toBe('upgrade-needed');
    const failed = body.events.find(
      (e: any) => e.type === 'bootstrap.image-failed',
    );
    expect(failed.message).toMatch(
      new RegExp(
        `verify /md5 flash:${FILE.replace(
          /\./g,
          '\\.',
        )}: %Error verifying .*Computed signature\\s+= [0-9a-f]{32}`,
      ),
    );
    const types = body.events.map((e: any) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['image.downloaded', 'bootstrap.progress']),
    );
    expect(
      body.events.some((e: any) => e.message === 'configuration applied'),
    ).toBe(true);
    // The gate refuses its Conf Final: its image is not the approved one.
    const push = await api
      .post(`/api/ztp/devices/default/${CORRUPTED}/final-config/push`)
      .set({ Authorization: OPERATOR });
    expect(push.status).toBe(409);
  });
});
