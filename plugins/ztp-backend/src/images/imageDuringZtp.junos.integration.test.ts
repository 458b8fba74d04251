import type { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import { OPERATOR } from '../__testUtils__/ztpTestBackend';
import {
  startExampleFleetBackend,
  until,
  type ExampleFleetBackend,
} from '../__testUtils__/exampleFleetBackend';

jest.setTimeout(240_000);

const FROM = '22.4R3.25';
const TO = '23.2R1.13';
const FILE = 'junos-install-23.2R1.13.tgz';
/** Takes the image during ZTP. */
const GOOD = 'edge-01-par1';
/** Its image download arrives corrupted. */
const CORRUPTED = 'leaf-01-lon1';
const NAMES = [GOOD, CORRUPTED];

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
  let fleet: ExampleFleetBackend;
  /** What DHCP (the generated Kea reservation) hands each device. */
  const dhcp = new Map<string, { subs: Map<number, string>; url: string }>();
  let door: string;

  const details = (name: string) => fleet.details(name);
  const listed = (image: string) => fleet.listed(image);

  beforeAll(async () => {
    fleet = await startExampleFleetBackend({
      names: NAMES,
      images: [
        {
          platform: 'juniper-junos',
          version: TO,
          file: FILE,
          payloadBytes: 400_000,
        },
      ],
      // The reservations only (no Kea is driven): what the operator's DHCP
      // would hand each Junos box.
      ztp: {
        dhcp: {
          subnets: [
            { id: 10, subnet: '127.0.10.0/24' },
            { id: 20, subnet: '127.0.20.0/24' },
          ],
        },
      },
    });
    door = fleet.door;
    await until('the Kea reservations of both boxes', async () => {
      const reservations = await fleet.reservations();
      for (const name of NAMES) {
        const mac = fleet
          .annotationsOf(name)
          ['ztp.network/mac-address'].toLowerCase();
        const reservation = reservations.find(r => r['hw-address'] === mac);
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
      simulated.set(
        name,
        await fleet.powerOn(name, {
          softwareVersion: FROM,
          bootFileUrl: dhcp.get(name)!.url,
          corruptImageDownloads: name === CORRUPTED,
        }),
      );
    }
  });

  afterAll(async () => {
    await fleet?.stop();
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

    const push = await fleet.api
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
