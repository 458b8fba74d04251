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

jest.setTimeout(240_000);

const FROM = '9.3(8)';
const TO = '10.4(2)';
const FILE = 'nxos64-cs.10.4.2.F.bin';

/** Two NX-OS switches of the example fleet, moved to this test's addresses. */
const devices = {
  /** Takes the image during POAP. */
  good: { name: 'leaf-01-par1', ip: '127.41.0.31' },
  /** Its download arrives corrupted. */
  corrupted: { name: 'spine-01-lon1', ip: '127.41.0.32' },
};
const escape = (text: string) => text.replace(/\./g, '\\.');
const ref = (name: string) => `resource:default/${name}`;

describe('NX-OS takes the approved image during POAP, through the real backend', () => {
  const simulated = new Map<string, SimulatedDevice>();
  let fleet: ExampleFleetBackend;

  const details = (name: string) => fleet.details(name);
  const withImage = async (state: string) =>
    (
      await fleet.api
        .get(`/api/ztp/devices?image=${state}`)
        .set({ Authorization: OPERATOR })
    ).body.items.map((d: any) => d.entityRef);

  beforeAll(async () => {
    // The two switches, with their variables, at addresses of this test.
    const moved = (declared: Entity[], dir: string): Entity[] => {
      fs.mkdirSync(path.join(dir, 'vars'), { recursive: true });
      return declared
        .filter(e => (e.spec as any)?.type !== 'network-device')
        .concat(
          Object.values(devices).map(d => {
            const entity = declared.find(e => e.metadata.name === d.name)!;
            const a = entity.metadata.annotations!;
            const original = a['ztp.network/management-address'].split('/')[0];
            const vars = fs.readFileSync(
              path.join(FLEET_DIRECTORY, a['ztp.network/variables']),
              'utf8',
            );
            fs.writeFileSync(
              path.join(dir, 'vars', `${d.name}.yaml`),
              vars
                .replace(new RegExp(`\\b${escape(original)}\\b`, 'g'), d.ip)
                .replace(
                  new RegExp(
                    `\\b${escape(a['ztp.network/default-gateway'])}\\b`,
                    'g',
                  ),
                  '127.41.0.1',
                ),
            );
            return {
              ...entity,
              metadata: {
                ...entity.metadata,
                annotations: {
                  ...a,
                  [ANNOTATION_LOCATION]: `file:${path.join(
                    dir,
                    'devices.yaml',
                  )}`,
                  'ztp.network/management-address': `${d.ip}/24`,
                  'ztp.network/default-gateway': '127.41.0.1',
                  'ztp.network/variables': `./vars/${d.name}.yaml`,
                },
              },
            };
          }),
        );
    };
    fleet = await startExampleFleetBackend({
      names: Object.values(devices).map(d => d.name),
      images: [
        {
          platform: 'cisco-nxos',
          version: TO,
          file: FILE,
          payloadBytes: 400_000,
          withMd5: true,
        },
      ],
      ztp: {
        dhcp: {
          subnets: [{ subnet: '127.41.0.0/24', gateway: '127.41.0.1' }],
        },
      },
      entities: moved,
    });
    // What the portal's DHCP configuration hands each switch (option 67),
    // once the image is verified: the script that takes it.
    const reservations = await until(
      'option 67 naming the image script',
      async () => {
        const found = new Map<string, string>(
          (await fleet.reservations()).map((v: any) => [
            v['ip-address'],
            v['option-data']?.find((o: any) => o.name === 'boot-file-name')
              ?.data,
          ]),
        );
        return Object.values(devices).every(d =>
          /\/ztp\/boot\/poap_[0-9a-f]{16}\.py$/.test(found.get(d.ip) ?? ''),
        )
          ? found
          : undefined;
      },
    );
    for (const [kind, d] of Object.entries(devices)) {
      simulated.set(
        d.name,
        await fleet.powerOn(d.name, {
          softwareVersion: FROM,
          bootFileUrl: reservations.get(d.ip),
          corruptImageDownloads: kind === 'corrupted',
        }),
      );
    }
    let waiting = '';
    await until('both switches Checked', async () => {
      for (const d of Object.values(devices)) {
        const body = await details(d.name);
        if (body.device?.serial.state !== 'checked') {
          waiting = `${d.name}: ${JSON.stringify(body.device?.serial)} ${
            simulated.get(d.name)!.state
          } ${body.events?.[0]?.message}`;
          return undefined;
        }
      }
      return true;
    }).catch(e => {
      throw new Error(`${e.message}: ${waiting}`);
    });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('a switch on an old release takes the image during POAP, is Checked on the approved release with no SSH upgrade, and accepts Conf Final', async () => {
    const { name } = devices.good;
    const device = simulated.get(name)!;
    expect(device.softwareVersion).toBe(TO);
    const body = await details(name);
    expect(body.device.software.runningVersion).toBe(TO);
    expect(await withImage('compliant')).toContain(ref(name));
    const types = body.events.map((e: any) => e.type);
    expect(types).toContain('image.downloaded');
    expect(types).not.toContain('image.upgrade-started');
    expect(types).not.toContain('bootstrap.image-failed');
    const download = body.events.find(
      (e: any) => e.type === 'image.downloaded',
    );
    expect(download.details).toMatchObject({ file: FILE, outcome: 'complete' });
    const image = body.events
      .filter(
        (e: any) =>
          e.type === 'bootstrap.progress' && /software image/.test(e.message),
      )
      .map((e: any) => e.message)
      .reverse();
    expect(image).toEqual([
      expect.stringMatching(`downloading ${FILE}`),
      expect.stringMatching(`boot nxos bootflash:${FILE} set and saved`),
    ]);
    // The automatic upgrade has nothing to do for it.
    await new Promise(r => setTimeout(r, 2500));
    const later = await details(name);
    expect(
      later.events.filter((e: any) => e.type === 'image.upgrade-started'),
    ).toEqual([]);

    const push = await fleet.api
      .post(`/api/ztp/devices/default/${name}/final-config/push`)
      .set({ Authorization: OPERATOR });
    expect({
      status: push.status,
      ok: push.body.ok,
      error: push.body.error,
    }).toMatchObject({ status: 200, ok: true });
  });

  it('a switch whose download arrives corrupted keeps its release, says why, still gets its configuration and is Checked as needing an upgrade', async () => {
    const { name } = devices.corrupted;
    const device = simulated.get(name)!;
    const body = await details(name);
    expect(body.device.software.runningVersion).toBe(FROM);
    expect(device.hostname).toBe(name);
    expect(await withImage('upgrade-needed')).toContain(ref(name));
    const failed = body.events.filter(
      (e: any) => e.type === 'bootstrap.image-failed',
    );
    expect(failed).toHaveLength(1);
    expect(failed[0].message).toMatch(
      new RegExp(
        `show file bootflash:${FILE.replace(
          /\./g,
          '\\.',
        )} sha256sum: [0-9a-f]{64}, not the approved [0-9a-f]{64}: the download is corrupted \\(deleted\\); keeping 9\\.3\\(8\\)`,
      ),
    );
    expect(body.events.map((e: any) => e.type)).toContain('image.downloaded');
    expect(
      body.events.some((e: any) =>
        /configuration staged/.test(e.message ?? ''),
      ),
    ).toBe(true);
    expect(device.images.get(FILE)).toBeUndefined();
  });
});
