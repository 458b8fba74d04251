import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ztpImageUpgradePermission } from '@ztp-portal/backstage-plugin-ztp-common';
import type { SimulatedDevice } from '@ztp-portal/ztp-simulator';
import { OPERATOR } from '../../__testUtils__/ztpTestBackend';
import {
  startExampleFleetBackend,
  until,
  type ExampleFleetBackend,
} from '../../__testUtils__/exampleFleetBackend';

jest.setTimeout(240_000);

/** May read the queue, may not upgrade. */
const VIEWER = mockCredentials.user.header('user:default/viewer');

type Target = {
  platform: string;
  from: string;
  to: string;
  file: string;
  /** Upgraded on an operator's request (par1). */
  good: string;
  /** Its downloads arrive corrupted; upgraded automatically (lon1). */
  corrupted: string;
};

const targets: Target[] = [
  {
    platform: 'arista-eos',
    from: '4.31.2F',
    to: '4.32.0F',
    file: 'EOS-4.32.0F.swi',
    good: 'spine-01-par1',
    corrupted: 'leaf-03-lon1',
  },
  {
    platform: 'cisco-nxos',
    from: '10.3(4a)',
    to: '10.4(2)',
    file: 'nxos64-cs.10.4.2.F.bin',
    good: 'leaf-01-par1',
    corrupted: 'spine-01-lon1',
  },
  {
    platform: 'juniper-junos',
    from: '22.4R3.25',
    to: '23.2R1.13',
    file: 'junos-install-23.2R1.13.tgz',
    good: 'edge-01-par1',
    corrupted: 'leaf-01-lon1',
  },
  {
    platform: 'cisco-iosxe',
    from: '17.06.05',
    to: '17.9.4a',
    file: 'cat9k_iosxe.17.09.04a.SPA.bin',
    good: 'oob-01-par1',
    corrupted: 'edge-01-lon1',
  },
];

const names = targets.flatMap(t => [t.good, t.corrupted]);
const ref = (name: string) => `resource:default/${name}`;

describe('upgrades to the approved image through the real backend and simulated devices', () => {
  const simulated = new Map<string, SimulatedDevice>();
  const auditEvents: { id: string; outcome: string }[] = [];
  let fleet: ExampleFleetBackend;
  let api: any;

  const details = async (name: string) =>
    (
      await api
        .get(`/api/ztp/devices/default/${name}`)
        .set({ Authorization: OPERATOR })
    ).body;
  const upgrades = async () =>
    new Map<string, any>(
      (
        await api
          .get('/api/ztp/images/upgrades')
          .set({ Authorization: OPERATOR })
      ).body.upgrades.map((u: any) => [u.entityRef, u]),
    );

  beforeAll(async () => {
    fleet = await startExampleFleetBackend({
      names,
      images: targets.map((t, i) => ({
        platform: t.platform,
        version: t.to,
        file: t.file,
        payloadBytes: 400_000 + i,
        withMd5: true,
      })),
      // Automatic upgrades in lon1 only: par1 waits for an operator.
      autoUpgrade: { autoUpgrade: false, autoUpgradeSites: ['lon1'] },
      features: [
        mockServices.permissions.mock({
          authorize: async (requests, options) =>
            requests.map(r => ({
              result:
                r.permission.name === ztpImageUpgradePermission.name &&
                (options.credentials.principal as any).userEntityRef ===
                  'user:default/viewer'
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })),
        }).factory,
        mockServices.auditor.mock({
          createEvent: async options => ({
            success: async () =>
              void auditEvents.push({ id: options.eventId, outcome: 'ok' }),
            fail: async o =>
              void auditEvents.push({
                id: options.eventId,
                outcome: o.error.message,
              }),
          }),
        }).factory,
      ],
    });
    api = fleet.api;
    for (const t of targets) {
      for (const name of [t.good, t.corrupted]) {
        simulated.set(
          name,
          await fleet.powerOn(name, {
            softwareVersion: t.from,
            corruptImageDownloads: name === t.corrupted,
          }),
        );
      }
    }
    let waiting = '';
    await until('every device Checked and every image verified', async () => {
      for (const n of names) {
        const d = await details(n);
        if (d.device?.serial.state !== 'checked') {
          waiting = `${n}: ${JSON.stringify(d.device?.serial)} ${
            simulated.get(n)!.state
          } ${d.events?.[0]?.message}`;
          return undefined;
        }
      }
      const images = (
        await api.get('/api/ztp/images').set({ Authorization: OPERATOR })
      ).body.images;
      waiting = JSON.stringify(images.map((i: any) => i.problem));
      return images.every((i: any) => i.status === 'verified') || undefined;
    }).catch(e => {
      throw new Error(`${e.message}: ${waiting}`);
    });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  it('refuses an upgrade without ztp.image.upgrade, audited, and a bad bulk body with 400', async () => {
    const denied = await api
      .post(`/api/ztp/devices/default/${targets[0].good}/image/upgrade`)
      .set({ Authorization: VIEWER });
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(/ztp\.image\.upgrade/);
    expect(auditEvents).toContainEqual({
      id: 'image-upgrade',
      outcome: expect.stringMatching(/not allowed/),
    });
    const bad = await api
      .post('/api/ztp/images/upgrade')
      .set({ Authorization: OPERATOR })
      .send({ entityRefs: 'spine-01-par1' });
    expect(bad.status).toBe(400);
    const missing = await api
      .post('/api/ztp/devices/default/no-such-device/image/upgrade')
      .set({ Authorization: OPERATOR });
    expect(missing.status).toBe(404);
    // Nothing started for the operator's devices (par1: no automatic upgrade).
    const counted = await api
      .get('/api/ztp/images/upgrades')
      .set({ Authorization: OPERATOR });
    expect(counted.body.upgradeNeeded).toBe(names.length);
    const now = await upgrades();
    for (const t of targets) expect(now.get(ref(t.good))).toBeUndefined();
  });

  it('in a site with automatic upgrades, a corrupted download leaves each device on its old version, with the reason in its timeline', async () => {
    const done = await until('the automatic upgrades to fail', async () => {
      const now = await upgrades();
      const all = targets.map(t => now.get(ref(t.corrupted)));
      return all.every(u => u && u.state !== 'upgrading') ? all : undefined;
    });
    for (const [i, t] of targets.entries()) {
      expect(done[i]).toMatchObject({
        state: 'failed',
        actor: 'system',
        targetVersion: t.to,
        fromVersion: t.from,
      });
      expect(done[i].error).toMatch(/corrupted/);
      expect(done[i].error).toContain(`the device keeps ${t.from}`);
      const body = await details(t.corrupted);
      expect(body.device.software.runningVersion).toBe(t.from);
      const failed = body.events.find(
        (e: any) => e.type === 'image.upgrade-failed',
      );
      expect(failed.message).toMatch(/corrupted/);
      expect(body.events.map((e: any) => e.details?.phase)).toEqual(
        expect.arrayContaining(['checking-space', 'downloading', 'verifying']),
      );
      expect(simulated.get(t.corrupted)!.softwareVersion ?? t.from).toBe(
        t.from,
      );
      // The gate still refuses its Conf Final.
      const push = await api
        .post(`/api/ztp/devices/default/${t.corrupted}/final-config/push`)
        .set({ Authorization: OPERATOR });
      expect(push.status).toBe(409);
    }
    // A failed automatic upgrade is not retried by itself.
    await new Promise(r => setTimeout(r, 2500));
    for (const t of targets) {
      const body = await details(t.corrupted);
      expect(
        body.events.filter((e: any) => e.type === 'image.upgrade-started'),
      ).toHaveLength(1);
    }
  });

  it('an operator upgrades the others in bulk: Checked, Upgrading, Compliant with the new version read back, then Conf Final is accepted', async () => {
    const res = await api
      .post('/api/ztp/images/upgrade')
      .set({ Authorization: OPERATOR })
      .send({ entityRefs: [...targets.map(t => ref(t.good)), ref('nope')] });
    expect(res.status).toBe(202);
    expect(res.body.started.sort()).toEqual(
      targets.map(t => ref(t.good)).sort(),
    );
    expect(res.body.refused).toEqual([
      expect.objectContaining({ entityRef: ref('nope'), status: 404 }),
    ]);
    expect(auditEvents).toContainEqual({ id: 'image-upgrade', outcome: 'ok' });

    // Upgrading is visible while it runs, and a second request is refused.
    const running = await upgrades();
    expect(running.get(ref(targets[0].good))?.state).toBe('upgrading');
    const twice = await api
      .post(`/api/ztp/devices/default/${targets[0].good}/image/upgrade`)
      .set({ Authorization: OPERATOR });
    expect(twice.status).toBe(409);

    const done = await until('the upgrades to end', async () => {
      const now = await upgrades();
      const all = targets.map(t => now.get(ref(t.good)));
      return all.every(u => u.state !== 'upgrading') ? all : undefined;
    });
    for (const [i, t] of targets.entries()) {
      expect({
        name: t.good,
        state: done[i].state,
        error: done[i].error,
        actor: done[i].actor,
      }).toEqual({
        name: t.good,
        state: 'compliant',
        error: undefined,
        actor: 'user:default/operator',
      });
      expect(simulated.get(t.good)!.softwareVersion).toBe(t.to);
      const body = await details(t.good);
      expect(
        body.device.software.runningVersion.replace(/^0|(\.)0/g, '$1'),
      ).toBe(t.to.replace(/^0|(\.)0/g, '$1'));
      const types = body.events.map((e: any) => e.type);
      expect(types).toEqual(
        expect.arrayContaining([
          'image.upgrade-started',
          'image.upgrade-step',
          'image.downloaded',
          'image.upgraded',
        ]),
      );
      expect(body.events.map((e: any) => e.details?.phase)).toEqual(
        expect.arrayContaining([
          'checking-space',
          'downloading',
          'verifying',
          'installing',
          'rebooting',
          'reading-version',
        ]),
      );
      const download = body.events.find(
        (e: any) => e.type === 'image.downloaded',
      );
      expect(download.details).toMatchObject({
        file: t.file,
        outcome: 'complete',
      });

      const push = await api
        .post(`/api/ztp/devices/default/${t.good}/final-config/push`)
        .set({ Authorization: OPERATOR });
      expect({
        name: t.good,
        status: push.status,
        ok: push.body.ok,
        error: push.body.error,
      }).toMatchObject({
        name: t.good,
        status: 200,
        ok: true,
      });
    }
  });
});
