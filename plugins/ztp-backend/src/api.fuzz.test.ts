import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import request from 'supertest';
import {
  checkProperty,
  fdsSettle,
  openFds,
  snapshot,
  startFuzzBackend,
} from './__testUtils__/fuzz';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

const user = { Authorization: mockCredentials.user.header('user:default/op') };
const service = { Authorization: mockCredentials.service.header() };

const nasty = fc.constantFrom(
  '',
  '\u0000',
  'a\u0000b',
  '%',
  'é',
  '\u{1F600}',
  '\ud800',
  '\r\n',
  'default',
  'leaf-eos',
  'resource:default/leaf-eos',
  'SSJ17371234',
  'FOC9999X1AB',
  'x'.repeat(300),
  '1e309',
  '-1',
  '99999999999999999999',
  'NaN',
  '__proto__',
  'constructor',
);
const text = fc.oneof(nasty, fc.string({ maxLength: 60 }));
/** Percent-encodes; a lone surrogate becomes the bytes no UTF-8 decoder takes. */
function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}
/** A path segment: encoded text, or a malformed escape sent as is. */
const segment = fc.oneof(
  { weight: 4, arbitrary: text.map(encode) },
  { weight: 1, arbitrary: fc.constantFrom('%ZZ', '%', '%00', '%C3', 'a%2Fb') },
);
const queryKey = fc.oneof(
  fc.constantFrom(
    'offset',
    'limit',
    'q',
    'site',
    'platform',
    'confMin',
    'serial',
    'confFinal',
    'orderBy',
    'order',
    'includeRemoved',
    'part',
    'a[b]',
    'a[]',
  ),
  text,
);
const query = fc
  .array(fc.tuple(queryKey, text), { maxLength: 4 })
  .map(pairs => pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&'));
const body = fc.oneof(
  fc.record(
    {
      newSerial: fc.oneof(text, fc.jsonValue()),
      fingerprint: fc.oneof(
        text,
        fc.constantFrom('SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU'),
        fc.jsonValue(),
      ),
      entityRefs: fc.oneof(fc.array(text, { maxLength: 3 }), fc.jsonValue()),
      reports: fc.oneof(
        fc.array(
          fc.record(
            {
              entityRef: text,
              location: text,
              problems: fc.array(text, { maxLength: 2 }),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        fc.jsonValue(),
      ),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
  fc.constantFrom('{', '{"newSerial":"\\u0000"}', 'null', '[]', '"x"'),
);

type Call = {
  method: 'get' | 'post';
  path: string;
  as: typeof user | typeof service;
  body?: unknown;
};

/** Every route of the portal's API, with fuzzed params, query and body. */
const call: fc.Arbitrary<Call> = fc
  .record({
    route: fc.integer({ min: 0, max: 16 }),
    ns: segment,
    name: segment,
    job: segment,
    query: fc.option(query),
    body,
  })
  .map(r => {
    const device = `/api/ztp/devices/${r.ns}/${r.name}`;
    const routes: Omit<Call, 'path'>[] & { path: string }[] = [
      { method: 'get', path: '/api/ztp/devices', as: user },
      { method: 'get', path: device, as: user },
      { method: 'post', path: `${device}/credentials/reveal`, as: user },
      { method: 'post', path: `${device}/serial-check`, as: user },
      { method: 'post', path: `${device}/serial`, as: user },
      { method: 'get', path: '/api/ztp/unknown-devices', as: user },
      { method: 'get', path: '/api/ztp/declaration-problems', as: user },
      { method: 'post', path: '/api/ztp/declaration-problems', as: service },
      { method: 'get', path: '/api/ztp/serial-corrections', as: service },
      { method: 'get', path: `${device}/final-config`, as: user },
      { method: 'post', path: `${device}/final-config/push`, as: user },
      { method: 'post', path: '/api/ztp/final-config/push', as: user },
      { method: 'get', path: `/api/ztp/final-config/push/${r.job}`, as: user },
      { method: 'post', path: `${device}/host-key/accept`, as: user },
      { method: 'get', path: '/api/ztp/dhcp/kea-config', as: user },
      { method: 'get', path: '/api/ztp/dhcp/status', as: user },
      { method: 'get', path: '/api/ztp/dhcp/leases', as: user },
    ];
    const route = routes[r.route] as Call;
    return {
      ...route,
      path: r.query === null ? route.path : `${route.path}?${r.query}`,
      body: route.method === 'post' ? r.body : undefined,
    };
  });

describe.each(databases.eachSupportedId())(
  'the portal API fuzzed on %p',
  id => {
    it('never answers 5xx, leaks no socket, and changes nothing when it refuses', async () => {
      const knex = await databases.init(id);
      const { backend } = await startFuzzBackend(knex);
      const server = backend.server;
      try {
        await request(server).get('/api/ztp/devices').set(user).expect(200);
        let before = await snapshot(knex);
        const baselineFds = openFds();
        const statuses = new Set<number>();

        await checkProperty(
          fc.asyncProperty(call, async c => {
            let req = request(server)[c.method](c.path).set(c.as).timeout(5000);
            if (c.body !== undefined) {
              // Sent as bytes: strings as they are (malformed JSON too),
              // other values as JSON.
              req = req
                .set('content-type', 'application/json')
                .send(
                  typeof c.body === 'string' ? c.body : JSON.stringify(c.body),
                );
            }
            const res = await req;
            statuses.add(res.status);
            const fault =
              res.status >= 500 ? { status: res.status, body: res.body } : {};
            expect({ call: c, fault }).toEqual({ call: c, fault: {} });
            const after = await snapshot(knex);
            const changedWhenRefused = res.status >= 400 && after !== before;
            expect({ call: c, status: res.status, changedWhenRefused }).toEqual(
              { call: c, status: res.status, changedWhenRefused: false },
            );
            before = after;
          }),
          { numRuns: 250, timeLimitMs: 8_000 },
        );

        // The requests reached the routes: answered, refused and not found.
        expect([...statuses]).toEqual(expect.arrayContaining([200, 400, 404]));
        expect(await fdsSettle(baselineFds + 4)).toBeLessThanOrEqual(
          baselineFds + 4,
        );
      } finally {
        await backend.stop();
      }
    });
  },
);

describe.each(databases.eachSupportedId())('NUL and bad escapes on %p', id => {
  it('answer 400 saying what is wrong, and change nothing', async () => {
    const knex = await databases.init(id);
    const { backend } = await startFuzzBackend(knex);
    const api = request(backend.server);
    try {
      const before = await snapshot(knex);
      const cases: [request.Test, RegExp][] = [
        [
          api.get('/api/ztp/devices/default/leaf%00'),
          /^a path segment contains the control character U\+0000/,
        ],
        [
          api.get('/api/ztp/devices/default/%ZZ'),
          /^malformed percent-encoding in the path segment "%ZZ"/,
        ],
        [
          api.get('/api/ztp/devices?q=a%00b'),
          /^query parameter q contains the control character U\+0000/,
        ],
        [
          api.get('/api/ztp/final-config/push/%00'),
          /^a path segment contains the control character U\+0000/,
        ],
        [
          api
            .post('/api/ztp/final-config/push')
            .send({ entityRefs: ['resource:default/leaf-eos\u0000'] }),
          /^body field entityRefs\.0 contains the control character U\+0000/,
        ],
        [
          api
            .post('/api/ztp/devices/default/leaf-eos/serial')
            .send({ newSerial: 'SSJ\u000017371234' }),
          /^body field newSerial contains the control character U\+0000/,
        ],
      ];
      for (const [req, message] of cases) {
        const res = await req.set(user);
        expect({
          status: res.status,
          message: res.body.error?.message,
        }).toEqual({ status: 400, message: expect.stringMatching(message) });
      }
      expect(await snapshot(knex)).toBe(before);
    } finally {
      await backend.stop();
    }
  });
});
