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
import {
  describeUpgrade,
  type ZtpImageUpgrade,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { SimulatedDevice, simulatedImage } from '@ztp-portal/ztp-simulator';
import request from 'supertest';
import { builtinPlatformFeatures } from '../../__testUtils__/builtinPlatforms';
import { ztpPlugin } from '../../plugin';
import { exampleFleetEntities } from '../../finalConfig/__testUtils__/exampleFleet';
import { freePort } from '../../__testUtils__/network';
import { QUICK_BOOT, quickSerialChecks } from '../../__testUtils__/testTimings';

jest.setTimeout(120_000);

const OPERATOR = mockCredentials.user.header('user:default/operator');
const NAME = 'spine-01-par1';
const REF = `resource:default/${NAME}`;
const FILE = 'EOS-4.32.0F.swi';

describe('the download share of an upgrade, through the real door and API', () => {
  let device: SimulatedDevice | undefined;
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  let dir: string;

  afterAll(async () => {
    await device?.powerOff();
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows "downloading n %" with a share below 100 while a slow device downloads, then Compliant', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-upgrade-progress-'));
    const image = simulatedImage(
      'arista-eos',
      '4.32.0F',
      Buffer.alloc(40 * 1024 * 1024, 'payload'),
    );
    fs.writeFileSync(path.join(dir, FILE), image);
    const doorPort = await freePort();
    const sshPort = await freePort();
    const entities: Entity[] = exampleFleetEntities()
      .filter(
        e =>
          (e.spec as any)?.type !== 'network-device' ||
          e.metadata.name === NAME,
      )
      .map(e =>
        e.metadata.name === NAME
          ? {
              ...e,
              metadata: {
                ...e.metadata,
                annotations: {
                  ...e.metadata.annotations,
                  'ztp.network/ssh-port': String(sshPort),
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
              secrets: { key: 'progress-key-0123456789' },
              provisioning: {
                host: '127.0.0.1',
                port: doorPort,
                tftp: { enabled: false },
              },
              serialCheck: quickSerialChecks(8000),
              catalogSync: { indexRefreshSeconds: 1 },
              images: {
                directory: dir,
                approved: [
                  {
                    platform: 'arista-eos',
                    version: '4.32.0F',
                    file: FILE,
                    size: image.length,
                    sha256: createHash('sha256').update(image).digest('hex'),
                    md5: createHash('md5').update(image).digest('hex'),
                  },
                ],
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
      ],
    });
    const api = request(backend.server) as any;
    const a = exampleFleetEntities().find(e => e.metadata.name === NAME)!
      .metadata.annotations!;
    device = new SimulatedDevice({
      name: NAME,
      platform: 'arista-eos',
      managementIp: a['ztp.network/management-address'].split('/')[0],
      sshPort,
      hostname: NAME,
      macAddress: a['ztp.network/mac-address'],
      realSerial: a['ztp.network/serial-number'],
      softwareVersion: '4.31.2F',
      provisioningUrl: `http://127.0.0.1:${doorPort}`,
      ...QUICK_BOOT,
      rebootMs: 1000,
      // About five seconds for the image, more than the loopback's socket
      // buffers hold: several reports of the door.
      imageDownloadBytesPerSecond: 8 * 1024 * 1024,
    });
    await device.powerOn();

    const poll = async <T>(what: string, fn: () => Promise<T | undefined>) => {
      const end = Date.now() + 60_000;
      for (;;) {
        const v = await fn();
        if (v !== undefined) return v;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise(r => setTimeout(r, 150));
      }
    };
    await poll('the device Checked and its image verified', async () => {
      const d = await api
        .get(`/api/ztp/devices/default/${NAME}`)
        .set({ Authorization: OPERATOR });
      const images = await api
        .get('/api/ztp/images')
        .set({ Authorization: OPERATOR });
      return (
        (d.body.device?.serial.state === 'checked' &&
          images.body.images.every((i: any) => i.status === 'verified')) ||
        undefined
      );
    });

    const started = await api
      .post(`/api/ztp/devices/default/${NAME}/image/upgrade`)
      .set({ Authorization: OPERATOR });
    expect(started.status).toBe(202);

    // What GET /images/upgrades says while the upgrade runs.
    const seen: ZtpImageUpgrade[] = [];
    const done = await poll('the upgrade to end', async () => {
      const res = await api
        .get('/api/ztp/images/upgrades')
        .set({ Authorization: OPERATOR });
      const u: ZtpImageUpgrade | undefined = res.body.upgrades.find(
        (x: ZtpImageUpgrade) => x.entityRef === REF,
      );
      if (u) seen.push(u);
      return u && u.state !== 'upgrading' ? u : undefined;
    });
    expect(done.state).toBe('compliant');
    const shares = seen
      .filter(u => u.phase === 'downloading' && u.percent !== undefined)
      .map(u => u.percent!);
    // At least one share before the end of the download, in order.
    expect(shares.some(p => p > 0 && p < 100)).toBe(true);
    expect([...shares].sort((x, y) => x - y)).toEqual(shares);
    const during = seen.find(
      u => u.phase === 'downloading' && u.percent! > 0 && u.percent! < 100,
    )!;
    expect(describeUpgrade(during)).toBe(
      `Upgrading: downloading ${during.percent} %`,
    );
    // The next phases carry no share.
    expect(
      seen.filter(u => u.phase !== 'downloading' && u.percent !== undefined),
    ).toEqual([]);
    expect(done.percent).toBeUndefined();
  });
});
