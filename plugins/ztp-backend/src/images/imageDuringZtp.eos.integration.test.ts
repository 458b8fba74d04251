import fs from 'node:fs';
import path from 'node:path';
import { ANNOTATION_LOCATION, type Entity } from '@backstage/catalog-model';
import type { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import { OPERATOR } from '../__testUtils__/ztpTestBackend';
import { FLEET_DIRECTORY } from '../finalConfig/__testUtils__/exampleFleet';
import {
  startExampleFleetBackend,
  until,
  type ExampleFleetBackend,
} from '../__testUtils__/exampleFleetBackend';

jest.setTimeout(180_000);

const FROM = '4.31.2F';
const TO = '4.32.0F';
const FILE = 'EOS-4.32.0F.swi';

// Two EOS switches of the example fleet, moved to addresses of their own.
const devices = [
  { name: 'spine-01-par1', ip: '127.44.0.21', corrupted: false },
  { name: 'leaf-03-lon1', ip: '127.44.0.22', corrupted: true },
];

describe('EOS takes the approved image during ZTP, through its ZeroTouch script', () => {
  const simulated = new Map<string, SimulatedDevice>();
  let fleet: ExampleFleetBackend;

  const details = (name: string) => fleet.details(name);
  const withImage = async (image: string) =>
    (
      await fleet.api
        .get('/api/ztp/devices')
        .query({ image })
        .set({ Authorization: OPERATOR })
    ).body.items.map((d: any) => d.name);

  beforeAll(async () => {
    // The two switches, with their final-configuration variables, at
    // addresses of their own.
    const moved = (declared: Entity[], dir: string): Entity[] => {
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
      return declared.map(e => {
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
            },
          },
        };
      });
    };
    const started = Date.now();
    fleet = await startExampleFleetBackend({
      names: devices.map(d => d.name),
      images: [
        {
          platform: 'arista-eos',
          version: TO,
          file: FILE,
          payloadBytes: 400_000,
        },
      ],
      // The automatic SSH upgrade's sweep runs once, 5 s after the start
      // (before the switches boot), then not within the test: whatever
      // image they run is what ZTP gave them.
      upgrade: { sweepSeconds: 3600 },
      entities: moved,
    });
    await new Promise(r =>
      setTimeout(r, Math.max(0, 6000 - (Date.now() - started))),
    );
    for (const d of devices) {
      const mac = fleet.annotationsOf(d.name)['ztp.network/mac-address'];
      simulated.set(
        d.name,
        await fleet.powerOn(d.name, {
          softwareVersion: FROM,
          // DHCP option 67 names the ZeroTouch script, as the door advises.
          bootFileUrl: `${fleet.door}/ztp/boot/eos-${mac
            .replace(/[^0-9a-f]/gi, '')
            .toLowerCase()}.py`,
          rebootMs: 500,
          corruptImageDownloads: d.corrupted,
        }),
      );
    }
  });

  afterAll(async () => {
    await fleet?.stop();
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

    const push = await fleet.api
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
