import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ANNOTATION_LOCATION, type Entity } from '@backstage/catalog-model';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { SimulatedDevice, simulatedImage } from '@ztp-portal/ztp-simulator';
import request from 'supertest';
import { builtinPlatformFeatures } from '../__testUtils__/builtinPlatforms';
import { freePort } from '../__testUtils__/network';
import { QUICK_BOOT, quickSerialChecks } from '../__testUtils__/testTimings';
import {
  exampleFleetEntities,
  FLEET_DIRECTORY,
} from '../finalConfig/__testUtils__/exampleFleet';
import { ztpPlugin } from '../plugin';

jest.setTimeout(180_000);

const OPERATOR = mockCredentials.user.header('user:default/operator');
const FROM = '4.31.2F';
const TO = '4.32.0F';
const FILE = 'EOS-4.32.0F.swi';

// Two EOS switches of the example fleet, moved to addresses of their own.
const devices = [
  { name: 'spine-01-par1', ip: '127.44.0.21', corrupted: false },
  { name: 'leaf-03-lon1', ip: '127.44.0.22', corrupted: true },
];

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 90_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 300));
  }
}

describe('EOS takes the approved image during ZTP, through its ZeroTouch script', () => {
  const simulated = new Map<string, SimulatedDevice>();
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let api: request.SuperTest<request.Test>;
  let dir: string;

  const details = async (name: string) =>
    (
      await api
        .get(`/api/ztp/devices/default/${name}`)
        .set({ Authorization: OPERATOR })
    ).body;
  const withImage = async (image: string) =>
    (
      await api
        .get('/api/ztp/devices')
        .query({ image })
        .set({ Authorization: OPERATOR })
    ).body.items.map((d: any) => d.name);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-eos-image-'));
    const bytes = simulatedImage(
      'arista-eos',
      TO,
      Buffer.alloc(400_000, 'eos image '),
    );
    fs.writeFileSync(path.join(dir, FILE), bytes);
    const doorPort = await freePort();
    const door = `http://127.0.0.1:${doorPort}`;
    const ports = new Map<string, number>();
    for (const d of devices) ports.set(d.name, await freePort());
    // Their final-configuration variables, with the same addresses.
    fs.mkdirSync(path.join(dir, 'fleet', 'vars'), { recursive: true });
    for (const d of devices) {
      const vars = path.join('vars', `${d.name}.yaml`);
      fs.writeFileSync(
        path.join(dir, 'fleet', vars),
        fs
          .readFileSync(path.join(FLEET_DIRECTORY, vars), 'utf8')
          .replace(/\b127\.0\.\d+\.\d+\/24/, `${d.ip}/24`)
          .replace(/(gateway:\s*)127\.0\.\d+\.1\b/, '$1127.44.0.1'),
      );
    }
    const entities: Entity[] = exampleFleetEntities()
      .filter(
        e =>
          (e.spec as any)?.type !== 'network-device' ||
          devices.some(d => d.name === e.metadata.name),
      )
      .map(e => {
        const d = devices.find(x => x.name === e.metadata.name);
        if (!d) return e;
        return {
          ...e,
          metadata: {
            ...e.metadata,
            annotations: {
              ...e.metadata.annotations,
              [ANNOTATION_LOCATION]: `file:${path.join(
                dir,
                'fleet',
                'devices.yaml',
              )}`,
              'ztp.network/management-address': `${d.ip}/24`,
              'ztp.network/default-gateway': '127.44.0.1',
              'ztp.network/ssh-port': String(ports.get(d.name)),
            },
          },
        };
      });
    const started = Date.now();
    backend = await startTestBackend({
      features: [
        ztpPlugin,
        ...builtinPlatformFeatures,
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            ztp: {
              secrets: { key: 'eos-image-key-0123456789' },
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
                approved: [
                  {
                    platform: 'arista-eos',
                    version: TO,
                    file: FILE,
                    size: bytes.length,
                    sha256: createHash('sha256').update(bytes).digest('hex'),
                  },
                ],
                autoUpgrade: true,
                // The automatic SSH upgrade's sweep runs once, 5 s after the
                // start (before the switches boot), then not within the
                // test: whatever image they run is what ZTP gave them.
                upgrade: { sweepSeconds: 3600 },
              },
            },
          },
        }),
      ],
    });
    api = request(backend.server) as any;
    // The script carries the image only once the door has verified it.
    await until('the image verified on the door', async () => {
      const images = (
        await api.get('/api/ztp/images').set({ Authorization: OPERATOR })
      ).body.images;
      return images?.every((i: any) => i.status === 'verified') || undefined;
    });
    await new Promise(r =>
      setTimeout(r, Math.max(0, 6000 - (Date.now() - started))),
    );
    const all = exampleFleetEntities();
    for (const d of devices) {
      const a = all.find(e => e.metadata.name === d.name)!.metadata
        .annotations!;
      const mac = a['ztp.network/mac-address'];
      const device = new SimulatedDevice({
        name: d.name,
        platform: 'arista-eos',
        managementIp: d.ip,
        sshPort: ports.get(d.name),
        hostname: d.name,
        macAddress: mac,
        realSerial: a['ztp.network/serial-number'],
        softwareVersion: FROM,
        provisioningUrl: door,
        // DHCP option 67 names the ZeroTouch script, as the door advises.
        bootFileUrl: `${door}/ztp/boot/eos-${mac
          .replace(/[^0-9a-f]/gi, '')
          .toLowerCase()}.py`,
        ...QUICK_BOOT,
        rebootMs: 500,
        corruptImageDownloads: d.corrupted,
      });
      simulated.set(d.name, device);
      await device.powerOn();
    }
  });

  afterAll(async () => {
    await Promise.all([...simulated.values()].map(d => d.powerOff()));
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const checked = (name: string) =>
    until(`${name} Checked`, async () => {
      const body = await details(name);
      return body.device?.serial.state === 'checked' ? body : undefined;
    });

  it('a switch on an old release takes the image in ZTP, is Checked on the approved release (Compliant) without an SSH upgrade, and accepts Conf Final', async () => {
    const name = 'spine-01-par1';
    await checked(name);
    const body = await until(
      'the version read by the serial check',
      async () => {
        const b = await details(name);
        return b.device?.software?.runningVersion ? b : undefined;
      },
    );
    expect(simulated.get(name)!.softwareVersion).toBe(TO);
    expect(body.device.software.runningVersion).toBe(TO);
    expect(await withImage('compliant')).toContain(name);
    const types = body.events.map((e: any) => e.type);
    expect(types).not.toContain('image.upgrade-started');
    expect(types).not.toContain('bootstrap.image-failed');
    const download = body.events.find(
      (e: any) => e.type === 'image.downloaded',
    );
    expect(download.details).toMatchObject({ file: FILE, outcome: 'complete' });
    const progress = body.events
      .filter((e: any) => e.type === 'bootstrap.progress')
      .map((e: any) => e.message);
    expect(progress).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/downloading EOS-4\.32\.0F\.swi/),
        expect.stringMatching(/verifying the SHA-256/),
        expect.stringMatching(/installing EOS-4\.32\.0F\.swi .*rebooting/),
        'configuration applied',
      ]),
    );

    const push = await api
      .post(`/api/ztp/devices/default/${name}/final-config/push`)
      .set({ Authorization: OPERATOR });
    expect({
      status: push.status,
      ok: push.body.ok,
      error: push.body.error,
    }).toMatchObject({ status: 200, ok: true });
  });

  it('a switch whose download is corrupted keeps its release, says why in its timeline, still gets its configuration and is Checked with its upgrade needed', async () => {
    const name = 'leaf-03-lon1';
    await checked(name);
    const body = await until(
      'the version read by the serial check',
      async () => {
        const b = await details(name);
        return b.device?.software?.runningVersion ? b : undefined;
      },
    );
    expect(simulated.get(name)!.softwareVersion ?? FROM).toBe(FROM);
    expect(body.device.software.runningVersion).toBe(FROM);
    expect(body.device.confMin.state).toBe('loaded');
    expect(simulated.get(name)!.hostname).toBe(name);
    const failed = body.events.find(
      (e: any) => e.type === 'bootstrap.image-failed',
    );
    expect(failed.message).toMatch(
      /sha256sum of flash:EOS-4\.32\.0F\.swi gave [0-9a-f]{64}, not the approved [0-9a-f]{64}: the download is corrupted/,
    );
    const types = body.events.map((e: any) => e.type);
    expect(types).not.toContain('image.upgrade-started');
    expect(types).not.toContain('bootstrap.failed');
    expect(
      body.events.some(
        (e: any) =>
          e.type === 'bootstrap.progress' &&
          e.message === 'configuration applied',
      ),
    ).toBe(true);
    expect(await withImage('upgrade-needed')).toContain(name);
  });
});
