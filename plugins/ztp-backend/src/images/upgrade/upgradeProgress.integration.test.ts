import {
  describeUpgrade,
  type ZtpImageUpgrade,
} from '@ztp-portal/backstage-plugin-ztp-common';
import { OPERATOR } from '../../__testUtils__/ztpTestBackend';
import {
  startExampleFleetBackend,
  type ExampleFleetBackend,
} from '../../__testUtils__/exampleFleetBackend';

jest.setTimeout(120_000);

const NAME = 'spine-01-par1';
const REF = `resource:default/${NAME}`;
const FILE = 'EOS-4.32.0F.swi';

describe('the download share of an upgrade, through the real door and API', () => {
  let fleet: ExampleFleetBackend | undefined;

  afterAll(async () => {
    await fleet?.stop();
  });

  it('shows "downloading n %" with a share below 100 while a slow device downloads, then Compliant', async () => {
    fleet = await startExampleFleetBackend({
      names: [NAME],
      images: [
        {
          platform: 'arista-eos',
          version: '4.32.0F',
          file: FILE,
          payloadBytes: 40 * 1024 * 1024,
          withMd5: true,
        },
      ],
      // Upgraded when the operator asks, not during ZTP.
      autoUpgrade: { autoUpgrade: false },
    });
    const api = fleet.api;
    await fleet.powerOn(NAME, {
      softwareVersion: '4.31.2F',
      // About five seconds for the image, more than the loopback's socket
      // buffers hold: several reports of the door.
      imageDownloadBytesPerSecond: 8 * 1024 * 1024,
    });

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
