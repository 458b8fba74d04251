import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { ztpDeviceReplacePermission } from '@ztp-portal/backstage-plugin-ztp-common';
import request from 'supertest';
import { ztpPlugin } from '../plugin';
import { deviceEntity } from '../__testUtils__/fleet';
import { snapshot } from '../__testUtils__/fuzz';
import { freePort } from '../__testUtils__/network';
import { builtinPlatformFeatures } from '../__testUtils__/builtinPlatforms';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const OPERATOR = mockCredentials.user.header('user:default/operator');
const VIEWER = mockCredentials.user.header('user:default/viewer');

const FLEET = [
  ['leaf-01', 'SSJ17371201', '127.0.10.31', '52:54:00:0a:00:31'],
  ['leaf-02', 'SSJ17371202', '127.0.10.32', '52:54:00:0a:00:32'],
  ['leaf-03', 'SSJ17371203', '127.0.10.33', '52:54:00:0a:00:33'],
].map(([name, serial, ip, mac]) =>
  deviceEntity(name, {
    'ztp.network/serial-number': serial,
    'ztp.network/platform': 'arista-eos',
    'ztp.network/management-address': `${ip}/24`,
    'ztp.network/mac-address': mac,
  }),
);

async function startZtp(knex: Awaited<ReturnType<typeof databases.init>>) {
  const auditEvents: any[] = [];
  const doorPort = await freePort();
  const backend = await startTestBackend({
    features: [
      ztpPlugin,
      ...builtinPlatformFeatures,
      mockServices.database.factory({ knex }),
      catalogServiceMock.factory({ entities: FLEET }),
      mockServices.rootConfig.factory({
        data: {
          ztp: {
            secrets: { key: 'test-key-0123456789abcdef' },
            provisioning: {
              host: '127.0.0.1',
              port: doorPort,
              tftp: { enabled: false },
            },
            catalogSync: { frequencySeconds: 3600, indexRefreshSeconds: 3600 },
            // No check runs during these tests: a Loaded device stays so.
            serialCheck: {
              sweepSeconds: 3600,
              firstCheckDelayMs: 3_600_000,
              retryInitialDelayMs: 3_600_000,
            },
            // 1.2 s
            stuck: { afterMinutes: 0.02 },
          },
        },
      }),
      mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(r => ({
            result:
              r.permission.name === ztpDeviceReplacePermission.name &&
              (options.credentials.principal as any).userEntityRef !==
                'user:default/operator'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      }).factory,
      mockServices.auditor.mock({
        createEvent: async options => {
          const entry: any = { eventId: options.eventId, meta: options.meta };
          auditEvents.push(entry);
          return {
            success: async o => {
              entry.outcome = 'success';
              entry.success = o?.meta;
            },
            fail: async o => {
              entry.outcome = 'fail';
              entry.error = o.error.message;
            },
          };
        },
      }).factory,
    ],
  });
  return {
    api: request(backend.server),
    backend,
    auditEvents,
    door: `http://127.0.0.1:${doorPort}`,
  };
}

describe.each(databases.eachSupportedId())('replacement API on %p', id => {
  it('refuses each action without ztp.device.replace, audits the refusal and changes nothing', async () => {
    const knex = await databases.init(id);
    const { api, backend, auditEvents } = await startZtp(knex);
    try {
      const before = await snapshot(knex);
      const tries = [
        [
          '/api/ztp/devices/default/leaf-01/replace',
          { newSerial: 'SSJ2' + '0000001' },
          'device-replace',
        ],
        [
          '/api/ztp/devices/default/leaf-01/reprovision',
          { reason: 'zeroized' },
          'device-reprovision',
        ],
        [
          '/api/ztp/replacements/jobs',
          { csv: 'leaf-01,SSJ20000001' },
          'device-replace-list',
        ],
      ] as const;
      for (const [route, body, eventId] of tries) {
        const res = await api
          .post(route)
          .set({ Authorization: VIEWER })
          .send(body);
        expect([route, res.status]).toEqual([route, 403]);
        expect(res.body.error.message).toMatch(
          /not allowed to replace or re-provision devices/,
        );
        expect(auditEvents.filter(e => e.eventId === eventId)).toEqual([
          expect.objectContaining({
            outcome: 'fail',
            error: expect.stringMatching(/not allowed/),
          }),
        ]);
      }
      const check = await api
        .post('/api/ztp/replacements/check')
        .set({ Authorization: VIEWER })
        .send({ csv: 'leaf-01,SSJ20000001' });
      expect(check.status).toBe(403);
      expect(await snapshot(knex)).toEqual(before);
    } finally {
      await backend.stop();
    }
  });

  it('refuses a replacement list with every bad line numbered and changes nothing; a valid list runs as one job', async () => {
    const knex = await databases.init(id);
    const { api, backend, auditEvents } = await startZtp(knex);
    try {
      const before = await snapshot(knex);
      const csv = [
        'entity,new serial,new MAC',
        'leaf-01,SSJ20000001,52:54:00:0b:00:01',
        'leaf-09,SSJ20000002,52:54:00:0b:00:02',
        'leaf-02,SSJ20000003,52:54:00:0b:00:zz',
        'default/leaf-03,ssj20000001,',
        'leaf-02,SSJ17371201',
      ].join('\n');
      const check = await api
        .post('/api/ztp/replacements/check')
        .set({ Authorization: OPERATOR })
        .send({ csv });
      expect(check.status).toBe(200);
      expect(check.body).toEqual({
        ok: false,
        rows: [],
        problems: [
          {
            line: 3,
            message: 'unknown entity leaf-09: no such device in the ZTP queue',
          },
          {
            line: 4,
            message: expect.stringMatching(/^bad MAC "52:54:00:0b:00:zz"/),
          },
          {
            line: 5,
            message: 'duplicate serial SSJ20000001: already on line 2',
          },
          { line: 6, message: 'leaf-02 is already replaced on line 4' },
          {
            line: 6,
            message:
              'duplicate serial SSJ17371201: it is the serial of resource:default/leaf-01',
          },
        ],
      });
      const refused = await api
        .post('/api/ztp/replacements/jobs')
        .set({ Authorization: OPERATOR })
        .send({ csv });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(
        /nothing was changed: line 3: unknown entity leaf-09.*; line 4: bad MAC.*; line 5: duplicate serial.*; line 6: leaf-02 is already replaced.*; line 6: duplicate serial/,
      );
      const unreadable = await api
        .post('/api/ztp/replacements/jobs')
        .set({ Authorization: OPERATOR })
        .send({ csv: 'leaf-01,SSJ20000001\n"leaf-02,SSJ20000002' });
      expect(unreadable.status).toBe(400);
      expect(unreadable.body.error.message).toMatch(
        /line \d+: not readable as CSV/,
      );
      expect(await snapshot(knex)).toEqual(before);

      const started = await api
        .post('/api/ztp/replacements/jobs')
        .set({ Authorization: OPERATOR })
        .send({
          csv: 'leaf-01,SSJ20000001,52-54-00-0B-00-01\nresource:default/leaf-02,SSJ20000002\n',
        });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({
        total: 2,
        actor: 'user:default/operator',
      });
      let job = started.body;
      for (let i = 0; job.running && i < 100; i++) {
        await new Promise(r => setTimeout(r, 50));
        job = (
          await api
            .get(`/api/ztp/replacements/jobs/${started.body.id}`)
            .set({ Authorization: OPERATOR })
        ).body;
      }
      expect(job).toMatchObject({
        running: false,
        done: 2,
        failed: 0,
        results: [
          { entityRef: 'resource:default/leaf-01', ok: true },
          { entityRef: 'resource:default/leaf-02', ok: true },
        ],
      });
      const leaf1 = (
        await api
          .get('/api/ztp/devices/default/leaf-01')
          .set({ Authorization: OPERATOR })
      ).body;
      expect(leaf1.device).toMatchObject({
        expectedSerial: 'SSJ20000001',
        macAddress: '52:54:00:0b:00:01',
        replacement: { kind: 'replacement', previousSerial: 'SSJ17371201' },
      });
      const leaf2 = (
        await api
          .get('/api/ztp/devices/default/leaf-02')
          .set({ Authorization: OPERATOR })
      ).body;
      // No MAC in the list: the declared one stays.
      expect(leaf2.device.macAddress).toBe('52:54:00:0a:00:32');
      expect(leaf2.events[0]).toMatchObject({
        type: 'device.replaced',
        details: { previousSerial: 'SSJ17371202', newSerial: 'SSJ20000002' },
      });
      expect(
        auditEvents.filter(e => e.eventId === 'device-replace-list'),
      ).toEqual([
        expect.objectContaining({ outcome: 'fail' }),
        expect.objectContaining({ outcome: 'fail' }),
        expect.objectContaining({
          outcome: 'success',
          success: {
            jobId: started.body.id,
            entityRefs: [
              'resource:default/leaf-01',
              'resource:default/leaf-02',
            ],
          },
        }),
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('flags a device stuck at Loaded after the configured time, and re-provisions it with the reason and the state it left', async () => {
    const knex = await databases.init(id);
    const { api, backend, auditEvents, door } = await startZtp(knex);
    try {
      const fetched = await fetch(
        `${door}/ztp/config/by-mac/52:54:00:0a:00:33`,
      );
      expect(fetched.status).toBe(200);
      const stuckList = async () =>
        (await api.get('/api/ztp/stuck-devices').set({ Authorization: VIEWER }))
          .body;
      const row = async () =>
        (
          await api
            .get('/api/ztp/devices?q=leaf-03')
            .set({ Authorization: VIEWER })
        ).body.items[0];
      // Just loaded: it is moving.
      expect((await row()).confMin.state).toBe('loaded');
      expect((await row()).stuck).toBeUndefined();
      expect((await stuckList()).items).toEqual([]);
      await new Promise(r => setTimeout(r, 1500));
      const flagged = await row();
      expect(flagged.stuck).toEqual({
        since: flagged.lastEvent.at,
        minutes: 0,
        state: 'Conf Min Loaded, Serial Not Checked',
      });
      expect(flagged.lastEvent.type).toBe('confmin.fetched');
      const list = await stuckList();
      expect(list.afterMinutes).toBe(0.02);
      expect(list.items.map((d: any) => d.name)).toEqual(['leaf-03']);

      const oldUsername = flagged.localUsername;
      const empty = await api
        .post('/api/ztp/devices/default/leaf-03/reprovision')
        .set({ Authorization: OPERATOR })
        .send({ reason: '  ' });
      expect(empty.status).toBe(400);
      expect(empty.body.error.message).toMatch(/^reason: say why/);
      const res = await api
        .post('/api/ztp/devices/default/leaf-03/reprovision')
        .set({ Authorization: OPERATOR })
        .send({
          reason: 'stalled after Conf Min, console shows a reload loop',
        });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        confMin: { state: 'not-loaded' },
        serial: { state: 'not-checked' },
        replacement: {
          kind: 'reprovision',
          requestedBy: 'user:default/operator',
        },
      });
      expect(res.body.localUsername).not.toBe(oldUsername);
      // It moved: the flag is gone.
      expect((await row()).stuck).toBeUndefined();
      expect((await stuckList()).items).toEqual([]);
      const { events } = (
        await api
          .get('/api/ztp/devices/default/leaf-03')
          .set({ Authorization: VIEWER })
      ).body;
      expect(events[0]).toMatchObject({
        type: 'device.reprovisioned',
        actor: 'user:default/operator',
        details: {
          reason: 'stalled after Conf Min, console shows a reload loop',
          fromState:
            'Conf Min Loaded, Serial Not Checked, Conf Final Not Pushed',
        },
      });
      expect(events[0].message).toMatch(
        /from Conf Min Loaded, Serial Not Checked/,
      );
      expect(
        auditEvents.filter(e => e.eventId === 'device-reprovision'),
      ).toEqual([
        expect.objectContaining({
          outcome: 'fail',
          error: expect.stringMatching(/^reason/),
        }),
        expect.objectContaining({
          outcome: 'success',
          meta: { entityRef: 'resource:default/leaf-03' },
        }),
      ]);
      // The new account is served to the device when it boots again.
      const again = await fetch(`${door}/ztp/config/by-mac/52:54:00:0a:00:33`);
      expect(await again.text()).toContain(res.body.localUsername);
    } finally {
      await backend.stop();
    }
  });
});
