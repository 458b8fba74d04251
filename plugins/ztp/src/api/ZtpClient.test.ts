import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { ResponseError } from '@backstage/errors';
import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { makeDevice, makeList, backendError } from '../__testUtils__/fixtures';
import { TEST_BACKEND, ZTP_API } from '../__testUtils__/apis';
import { ZtpClient } from './ZtpClient';

const server = setupServer();
registerMswTestHooks(server);

const client = new ZtpClient({
  discoveryApi: mockApis.discovery({ baseUrl: TEST_BACKEND }),
  fetchApi: mockApis.fetch(),
});

describe('ZtpClient', () => {
  it('lists devices with only the query fields that are set', async () => {
    let url: URL | undefined;
    server.use(
      http.get(`${ZTP_API}/devices`, ({ request }) => {
        url = new URL(request.url);
        return HttpResponse.json(makeList([makeDevice('leaf-01')]));
      }),
    );
    const list = await client.listDevices({
      offset: 100,
      limit: 50,
      serial: 'mismatch',
      q: '',
      site: undefined,
      orderBy: 'updatedAt',
      order: 'desc',
    });
    expect(list.items[0].name).toBe('leaf-01');
    expect(Object.fromEntries(url!.searchParams)).toEqual({
      offset: '100',
      limit: '50',
      serial: 'mismatch',
      orderBy: 'updatedAt',
      order: 'desc',
    });
  });

  it('addresses a device by namespace and name, encoded', async () => {
    let path: string | undefined;
    server.use(
      http.get(`${ZTP_API}/devices/:namespace/:name`, ({ request }) => {
        path = new URL(request.url).pathname;
        return HttpResponse.json({ device: makeDevice('a b'), events: [] });
      }),
    );
    await client.getDevice('resource:lab/a b');
    expect(path).toBe('/api/ztp/devices/lab/a%20b');
  });

  it('posts a new serial as JSON', async () => {
    let body: unknown;
    let contentType: string | null = null;
    server.use(
      http.post(
        `${ZTP_API}/devices/default/leaf-01/serial`,
        async ({ request }) => {
          contentType = request.headers.get('content-type');
          body = await request.json();
          return HttpResponse.json({
            outcome: 'checked',
            device: makeDevice('leaf-01', { serial: { state: 'checked' } }),
          });
        },
      ),
    );
    const result = await client.updateSerial(
      'resource:default/leaf-01',
      'FOC2148Z0AB',
    );
    expect(result.outcome).toBe('checked');
    expect(body).toEqual({ newSerial: 'FOC2148Z0AB' });
    expect(contentType).toBe('application/json');
  });

  it('starts a bulk push and reads its job', async () => {
    const job = {
      id: 'j/1',
      total: 1,
      done: 0,
      failed: 0,
      running: true,
      results: [],
    };
    server.use(
      http.post(`${ZTP_API}/final-config/push`, () => HttpResponse.json(job)),
      http.get(`${ZTP_API}/final-config/push/:jobId`, ({ params }) =>
        HttpResponse.json({
          ...job,
          id: params.jobId,
          running: false,
          done: 1,
        }),
      ),
    );
    expect(await client.startBulkPush(['resource:default/leaf-01'])).toEqual(
      job,
    );
    expect(await client.getBulkPushJob('j/1')).toMatchObject({
      id: 'j/1',
      done: 1,
    });
  });

  it('lists the unknown devices the backend recorded', async () => {
    let path: string | undefined;
    const items = [
      {
        sourceIp: '127.0.0.9',
        identifier: 'mac 52:54:00:aa:bb:cc',
        count: 12,
        firstSeen: '2026-01-10T09:00:00.000Z',
        lastSeen: '2026-01-10T10:00:00.000Z',
      },
      {
        sourceIp: '127.0.0.10',
        identifier: 'hostname leaf-99',
        count: 1,
        firstSeen: '2026-01-10T08:00:00.000Z',
        lastSeen: '2026-01-10T08:00:00.000Z',
      },
    ];
    server.use(
      http.get(`${ZTP_API}/unknown-devices`, ({ request }) => {
        path = new URL(request.url).pathname;
        return HttpResponse.json({ items });
      }),
    );
    expect(await client.listUnknownDevices()).toEqual({ items });
    expect(path).toBe('/api/ztp/unknown-devices');
  });

  it('passes the abort signal of an unknown-devices request', async () => {
    server.use(
      http.get(`${ZTP_API}/unknown-devices`, async () => {
        await new Promise(resolve => setTimeout(resolve, 1000));
        return HttpResponse.json({ items: [] });
      }),
    );
    const controller = new AbortController();
    const pending = client
      .listUnknownDevices({ signal: controller.signal })
      .catch(e => e);
    controller.abort();
    expect((await pending).name).toBe('AbortError');
  });

  it('throws a ResponseError when the unknown devices may not be read', async () => {
    server.use(
      http.get(`${ZTP_API}/unknown-devices`, () =>
        HttpResponse.json(
          ...backendError(403, 'You are not allowed to read the ZTP queue'),
        ),
      ),
    );
    const error = await client.listUnknownDevices().catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toBe(
      'You are not allowed to read the ZTP queue',
    );
  });

  it('throws a ResponseError carrying the backend message on failure', async () => {
    server.use(
      http.post(`${ZTP_API}/devices/default/leaf-01/credentials/reveal`, () =>
        HttpResponse.json(
          ...backendError(403, 'You are not allowed to reveal credentials'),
        ),
      ),
    );
    const error = await client
      .revealCredentials('resource:default/leaf-01')
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(403);
    expect(error.cause.name).toBe('NotAllowedError');
    expect(error.cause.message).toBe(
      'You are not allowed to reveal credentials',
    );
  });
});
