import { imageCompliance } from '@ztp-portal/backstage-plugin-ztp-common';
import type { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import { OPERATOR } from '../__testUtils__/ztpTestBackend';
import {
  startExampleFleetBackend,
  until,
  type ExampleFleetBackend,
} from '../__testUtils__/exampleFleetBackend';

jest.setTimeout(240_000);

const FROM = '17.06.05';
const TO = '17.9.4a';
const FILE = 'cat9k_iosxe.17.09.04a.SPA.bin';
/** Takes the image in its Guest Shell script. */
const GOOD = 'oob-01-par1';
/** Its downloads arrive corrupted: "verify /md5" refuses the file. */
const CORRUPTED = 'edge-01-lon1';
const NAMES = [GOOD, CORRUPTED];

describe('IOS XE takes the approved image in its Guest Shell ZTP script, through the real backend', () => {
  const simulated = new Map<string, SimulatedDevice>();
  let fleet: ExampleFleetBackend;
  let api: any;
  let approved: ExampleFleetBackend['approved'];

  const details = (name: string) => fleet.details(name);
  const checked = (name: string) =>
    until(`${name} Checked`, async () => {
      const d = await details(name);
      return d.device?.serial.state === 'checked' ? d : undefined;
    });

  beforeAll(async () => {
    fleet = await startExampleFleetBackend({
      names: NAMES,
      images: [
        {
          platform: 'cisco-iosxe',
          version: TO,
          file: FILE,
          payloadBytes: 600_000,
          withMd5: true,
        },
      ],
    });
    api = fleet.api;
    approved = fleet.approved;
    for (const name of NAMES) {
      simulated.set(
        name,
        await fleet.powerOn(name, {
          softwareVersion: FROM,
          corruptImageDownloads: name === CORRUPTED,
        }),
      );
    }
  });

  afterAll(async () => {
    await fleet?.stop();
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
