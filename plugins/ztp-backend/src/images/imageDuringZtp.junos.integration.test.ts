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
import { SimulatedDevice, simulatedImage } from '@ztp-portal/ztp-simulator';
import request from 'supertest';
import { builtinPlatformFeatures } from '../__testUtils__/builtinPlatforms';
import { freePort } from '../__testUtils__/network';
import { QUICK_BOOT, quickSerialChecks } from '../__testUtils__/testTimings';
import { exampleFleetEntities } from '../finalConfig/__testUtils__/exampleFleet';
import { ztpPlugin } from '../plugin';

jest.setTimeout(240_000);

const OPERATOR = mockCredentials.user.header('user:default/operator');
const FROM = '22.4R3.25';
const TO = '23.2R1.13';
const FILE = 'junos-install-23.2R1.13.tgz';
/** Takes the image during ZTP. */
const GOOD = 'edge-01-par1';
/** Its image download arrives corrupted. */
const CORRUPTED = 'leaf-01-lon1';
const NAMES = [GOOD, CORRUPTED];

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

/** Option 43 as Junos reads it: code, length, value. */
function subOptions(hex: string): Map<number, string> {
  const bytes = Buffer.from(hex, 'hex');
  const out = new Map<number, string>();
  for (let i = 0; i + 2 <= bytes.length; ) {
    const length = bytes[i + 1];
    out.set(bytes[i], bytes.subarray(i + 2, i + 2 + length).toString('utf8'));
    i += 2 + length;
  }
  return out;
}

describe('Junos takes the approved image during ZTP, through its own ZTP script', () => {
  const simulated = new Map<string, SimulatedDevice>();
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let api: request.SuperTest<request.Test>;
  let dir: string;
  /** What DHCP (the generated Kea reservation) hands each device. */
  const dhcp = new Map<string, { subs: Map<number, string>; url: string }>();
  let door: string;

  const details = async (name: string) =>
    (
      await api
        .get(`/api/ztp/devices/default/${name}`)
        .set({ Authorization: OPERATOR })
    ).body;
  const listed = async (image: string) =>
    (
      await api
        .get(`/api/ztp/devices?image=${image}`)
        .set({ Authorization: OPERATOR })
    ).body.items.map((d: any) => d.name);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-junos-image-'));
    const bytes = simulatedImage(
      'juniper-junos',
      TO,
      Buffer.alloc(400_000, FILE),
    );
    fs.writeFileSync(path.join(dir, FILE), bytes);
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
              secrets: { key: 'junos-image-key-0123456789' },
              provisioning: {
                host: '127.0.0.1',
                port: doorPort,
                tftp: { enabled: false },
              },
              // The reservations only (no Kea is driven): what the
              // operator's DHCP would hand each Junos box.
              dhcp: {
                subnets: [
                  { id: 10, subnet: '127.0.10.0/24' },
                  { id: 20, subnet: '127.0.20.0/24' },
                ],
              },
              serialCheck: quickSerialChecks(8000),
              finalConfig: { deadlineMs: 30_000 },
              catalogSync: { indexRefreshSeconds: 1 },
              images: {
                directory: dir,
                approved: [
                  {
                    platform: 'juniper-junos',
                    version: TO,
                    file: FILE,
                    size: bytes.length,
                    sha256: createHash('sha256').update(bytes).digest('hex'),
                  },
                ],
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
      ],
    });
    api = request(backend.server) as any;
    door = `http://127.0.0.1:${doorPort}`;

    // The image is offered to a booting device once its file is verified.
    await until('the image verified on the door', async () => {
      const images = (
        await api.get('/api/ztp/images').set({ Authorization: OPERATOR })
      ).body.images;
      return images?.[0]?.status === 'verified' || undefined;
    });
    const all = exampleFleetEntities();
    await until('the Kea reservations of both boxes', async () => {
      const kea = (
        await api
          .get('/api/ztp/dhcp/kea-config?part=reservations')
          .set({ Authorization: OPERATOR })
      ).body;
      for (const name of NAMES) {
        const mac = all
          .find(e => e.metadata.name === name)!
          .metadata.annotations!['ztp.network/mac-address'].toLowerCase();
        const reservation = kea.content?.subnet4
          ?.flatMap((s: any) => s.reservations)
          .find((r: any) => r['hw-address'] === mac);
        if (!reservation) return undefined;
        const data = (code: number | string) =>
          (reservation['option-data'] ?? []).find(
            (o: any) => o.code === code || o.name === code,
          )?.data;
        if (!data(43)) return undefined;
        const subs = subOptions(data(43));
        const server = data('tftp-server-address');
        dhcp.set(name, {
          subs,
          url: `http://${server}:${subs.get(5)}/${subs.get(1)}`,
        });
      }
      return true;
    });
    for (const name of NAMES) {
      const a = all.find(e => e.metadata.name === name)!.metadata.annotations!;
      const device = new SimulatedDevice({
        name,
        platform: 'juniper-junos',
        model: a['ztp.network/model'],
        managementIp: a['ztp.network/management-address'].split('/')[0],
        sshPort: ports.get(name),
        hostname: name,
        macAddress: a['ztp.network/mac-address'],
        realSerial: a['ztp.network/serial-number'],
        softwareVersion: FROM,
        provisioningUrl: door,
        bootFileUrl: dhcp.get(name)!.url,
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

  it('DHCP names the ZTP script (43.01, http, the door port) and no 43.00: the script takes the image', () => {
    for (const name of NAMES) {
      const { subs } = dhcp.get(name)!;
      expect(subs.get(1)).toMatch(/^ztp\/boot\/junos-[0-9a-f]{12}\.py$/);
      expect(subs.get(3)).toBe('http');
      expect(subs.has(0)).toBe(false);
      expect(dhcp.get(name)!.url.startsWith(`${door}/ztp/boot/`)).toBe(true);
    }
  });

  it('a box on an old release takes the image, reboots, is Checked on the approved release without an SSH upgrade, and accepts Conf Final', async () => {
    const device = await until(
      `${GOOD} Checked`,
      async () => {
        const body = await details(GOOD);
        return body.device?.serial.state === 'checked' ? body : undefined;
      },
      120_000,
    );
    expect(simulated.get(GOOD)!.softwareVersion).toBe(TO);
    expect(device.device.software.runningVersion).toBe(TO);
    expect(await listed('compliant')).toContain(GOOD);
    const types = device.events.map((e: any) => e.type);
    expect(types).not.toContain('image.upgrade-started');
    expect(types).not.toContain('bootstrap.image-failed');
    const download = device.events.find(
      (e: any) => e.type === 'image.downloaded',
    );
    expect(download.details).toMatchObject({ file: FILE, outcome: 'complete' });
    const imageSteps = device.events
      .filter(
        (e: any) =>
          e.type === 'bootstrap.progress' && e.details?.stage === 'image',
      )
      .map((e: any) => e.message);
    expect(imageSteps).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`downloading ${FILE}`),
        expect.stringContaining(`installing ${FILE}; rebooting into ${TO}`),
        expect.stringContaining(`already runs ${TO}`),
      ]),
    );
    // The script ran twice: cut by the reboot, then on the new release,
    // each time fetched from what its reservation names.
    expect(simulated.get(GOOD)!.scripts).toHaveLength(2);
    const fetched = simulated.get(GOOD)!.fetches.map(f => f.url);
    expect(fetched.length).toBeGreaterThanOrEqual(2);
    expect(new Set(fetched)).toEqual(new Set([dhcp.get(GOOD)!.url]));

    const push = await api
      .post(`/api/ztp/devices/default/${GOOD}/final-config/push`)
      .set({ Authorization: OPERATOR });
    expect({ status: push.status, ok: push.body.ok }).toEqual({
      status: 200,
      ok: true,
    });
  });

  it('a corrupted download: the box keeps its release, the reason is in the timeline, and it still gets its configuration and is Checked', async () => {
    const device = await until(
      `${CORRUPTED} Checked`,
      async () => {
        const body = await details(CORRUPTED);
        return body.device?.serial.state === 'checked' ? body : undefined;
      },
      120_000,
    );
    expect(device.device.confMin.state).toBe('loaded');
    expect(device.device.software.runningVersion).toBe(FROM);
    expect(simulated.get(CORRUPTED)!.softwareVersion).toBe(FROM);
    expect(simulated.get(CORRUPTED)!.scripts).toHaveLength(1);
    const failed = device.events.find(
      (e: any) => e.type === 'bootstrap.image-failed',
    );
    expect(failed.message).toContain('the package is corrupted');
    expect(failed.message).toContain(`SHA256 (/var/tmp/${FILE}) = `);
    expect(failed.message).toContain(`the box keeps ${FROM}`);
    expect(await listed('upgrade-needed')).toContain(CORRUPTED);
  });
});
