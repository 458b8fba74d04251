import http from 'node:http';
import fs from 'node:fs';
import net from 'node:net';
import { mockServices } from '@backstage/backend-test-utils';
import type { ConfMinFetch, DeviceRecord } from '../database/types';
import type { FetchStore } from '../database/FetchStore';
import type { UnknownDeviceStore } from '../database/UnknownDeviceStore';
import { DeviceIndex, type DoorIdentity } from './DeviceIndex';
import { DeviceRequestHandler } from './DeviceRequestHandler';
import { FetchRecorder } from './FetchRecorder';
import { DoorHttpServer } from './DoorHttpServer';
import { UnknownDeviceCounter } from './UnknownDeviceCounter';

const device = {
  entityRef: 'resource:default/leaf-01',
  hostname: 'leaf-01',
  macAddress: '70:db:98:a1:10:21',
  managementIp: '127.0.10.21',
  expectedSerial: 'FDO23210001',
  confMinState: 'not-loaded',
  serialState: 'not-checked',
} as DeviceRecord;
const CONFIG = 'hostname leaf-01\nip ssh version 2\n';
const PATH = '/ztp/config/by-mac/70db.98a1.1021';

/** Sends raw bytes (in pieces, a pause between them) and reads until close. */
function exchange(
  port: number,
  pieces: string[],
  pauseMs = 20,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('connect', async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        socket.write(piece);
        await new Promise(r => setTimeout(r, pauseMs));
      }
    });
  });
}

function parse(raw: string) {
  const [head, ...rest] = raw.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map(l => {
      const i = l.indexOf(':');
      return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()];
    }),
  );
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: rest.join('\r\n\r\n'),
  };
}

describe('DoorHttpServer', () => {
  let server: DoorHttpServer;
  let port: number;
  let recorded: ConfMinFetch[];
  let fetched: DoorIdentity[];
  let unknown: UnknownDeviceCounter;
  let probes: { identifier: string }[];

  beforeEach(async () => {
    recorded = [];
    fetched = [];
    probes = [];
    const stores = {
      recordFetches: async (fetches: ConfMinFetch[]) => {
        recorded.push(...fetches);
        return [];
      },
      recordUnknownDevices: async (p: { identifier: string }[]) => {
        probes.push(...p);
      },
    } as unknown as FetchStore & UnknownDeviceStore;
    unknown = new UnknownDeviceCounter(stores);
    const index = new DeviceIndex();
    index.replaceAll([device]);
    const handler = new DeviceRequestHandler({
      index,
      renderer: { render: () => CONFIG },
      recorder: new FetchRecorder(stores),
      unknown,
      logger: mockServices.logger.mock(),
      allowedNetworks: [],
      onFetched: d => fetched.push(d),
    });
    server = new DoorHttpServer({
      host: '127.0.0.1',
      port: 0,
      handler,
      logger: mockServices.logger.mock(),
      requestTimeoutMs: 300,
      lingerMs: 300,
    });
    port = (await server.start()).port;
  });

  afterEach(() => server.stop());

  it('answers a request that arrives in pieces, then closes', async () => {
    const raw = await exchange(port, [
      `GET ${PATH.slice(0, 10)}`,
      `${PATH.slice(10)} HTTP/1.1\r\nHost: ztp\r\nUser-Agent: `,
      'Cisco-IOS-XE\r\n\r\n',
    ]);
    const response = parse(raw);
    expect(response.status).toBe(200);
    expect(response.body).toBe(CONFIG);
    expect(response.headers).toMatchObject({
      'content-length': String(Buffer.byteLength(CONFIG)),
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'close',
    });
    expect(new Date(response.headers.date).getTime()).toBeGreaterThan(0);
    expect(recorded.map(f => f.entityRef)).toEqual([device.entityRef]);
    expect(fetched.map(d => d.entityRef)).toEqual([device.entityRef]);
  });

  it('serves node:http clients, including those that would keep the connection', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const get = () =>
      new Promise<{ status?: number; body: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port, path: PATH, agent }, res => {
            let body = '';
            res.on('data', c => (body += c));
            res.on('end', () => resolve({ status: res.statusCode, body }));
          })
          .on('error', reject);
      });
    expect(await get()).toEqual({ status: 200, body: CONFIG });
    expect(await get()).toEqual({ status: 200, body: CONFIG });
    agent.destroy();
    expect(recorded).toHaveLength(2);
  });

  it('answers HEAD with the length and no body, recording nothing', async () => {
    const raw = await exchange(port, [
      `HEAD ${PATH} HTTP/1.1\r\nHost: ztp\r\n\r\n`,
    ]);
    const response = parse(raw);
    expect(response.status).toBe(200);
    expect(response.headers['content-length']).toBe(
      String(Buffer.byteLength(CONFIG)),
    );
    expect(response.body).toBe('');
    expect(recorded).toHaveLength(0);
    expect(fetched).toHaveLength(0);
  });

  it('answers a client that closed its side after sending the request', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () =>
        socket.end(`GET ${PATH} HTTP/1.1\r\nHost: ztp\r\n\r\n`),
      );
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', reject);
      socket.on('close', () =>
        resolve(Buffer.concat(chunks).toString('latin1')),
      );
    });
    expect(parse(raw)).toMatchObject({ status: 200, body: CONFIG });
  });

  it('drops a connection closed before its request was complete', async () => {
    const closedEarly = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () =>
        socket.end(`GET ${PATH} HTTP/1.1\r\nHost: ztp\r\n`),
      );
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    expect(closedEarly).toBe('');
    expect(recorded).toHaveLength(0);
  });

  it('answers only the first of pipelined requests', async () => {
    const request = `GET ${PATH} HTTP/1.1\r\nHost: ztp\r\n\r\n`;
    const raw = await exchange(port, [request + request]);
    expect(raw.match(/HTTP\/1\.1 200/g)).toHaveLength(1);
    expect(recorded).toHaveLength(1);
  });

  it('refuses other methods with the ones it allows', async () => {
    const response = parse(
      await exchange(port, [
        `POST ${PATH} HTTP/1.1\r\nHost: ztp\r\nContent-Length: 2\r\n\r\nhi`,
      ]),
    );
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD');
    expect(recorded).toHaveLength(0);
  });

  it('says 404 for an unknown device and for a path that is not the door', async () => {
    const stranger = parse(
      await exchange(port, [
        'GET /ztp/config/by-mac/02:00:5e:00:53:99 HTTP/1.1\r\n\r\n',
      ]),
    );
    expect(stranger.status).toBe(404);
    expect(stranger.body).toBe('unknown device\n');
    const elsewhere = parse(
      await exchange(port, ['GET /admin HTTP/1.1\r\n\r\n']),
    );
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body).toBe('not found\n');
  });

  it('answers 400 to what is not HTTP', async () => {
    const response = parse(await exchange(port, ['HELLO THERE\r\n\r\n']));
    expect(response.status).toBe(400);
    expect(response.body).toBe(
      'bad request: the request line must be "<METHOD> <path> HTTP/1.1"\n',
    );
  });

  it.each([
    [
      'a raw NUL in the path',
      `GET /ztp/config/by-hostname/leaf\u0000x HTTP/1.1\r\n\r\n`,
      400,
      /byte 0x00 at offset 32; the request line and headers must be printable ASCII/,
    ],
    [
      'raw UTF-8 in the path',
      `GET /ztp/config/by-hostname/l\u00c3\u00a9af HTTP/1.1\r\n\r\n`,
      400,
      /byte 0xc3/,
    ],
    [
      'raw UTF-8 in a header',
      `GET ${PATH} HTTP/1.1\r\nX-Arista-Serial: S\u00c3\u00a9R\r\n\r\n`,
      400,
      /byte 0xc3/,
    ],
    [
      'HTTP/9.9',
      `GET ${PATH} HTTP/9.9\r\n\r\n`,
      505,
      /HTTP version 9\.9 not supported: use HTTP\/1\.1/,
    ],
    [
      'a version that is not one',
      `GET ${PATH} HTTP/1.x\r\n\r\n`,
      400,
      /"HTTP\/1\.x" is not an HTTP version/,
    ],
    [
      'a header line without a colon',
      `GET ${PATH} HTTP/1.1\r\nHost ztp\r\n\r\n`,
      400,
      /header line "Host ztp" has no colon/,
    ],
    [
      'a folded header line',
      `GET ${PATH} HTTP/1.1\r\nHost: ztp\r\n  more\r\n\r\n`,
      400,
      /obsolete line folding/,
    ],
    [
      'a negative Content-Length',
      `GET ${PATH} HTTP/1.1\r\nContent-Length: -5\r\n\r\n`,
      400,
      /Content-Length "-5" is not a number of bytes/,
    ],
    [
      'a chunked body',
      `GET ${PATH} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n`,
      400,
      /takes no request body/,
    ],
    ['a bare CR', `GET ${PATH} HTTP/1.1\rHost: ztp\r\n\r\n`, 400, /byte 0x0d/],
    [
      'a serial header over the limit',
      `GET /ztp/config HTTP/1.1\r\nX-Arista-Serial: ${'S'.repeat(65)}\r\n\r\n`,
      400,
      /X-Arista-Serial is 65 characters long; the longest accepted is 64/,
    ],
    [
      'a SONiC serial header over the limit',
      `GET ${PATH} HTTP/1.1\r\nSERIAL-NUMBER: ${'S'.repeat(65)}\r\n\r\n`,
      400,
      /SERIAL-NUMBER is 65 characters long/,
    ],
    [
      'a hostname of 15,000 characters',
      `GET /ztp/config/by-hostname/${'h'.repeat(15_000)} HTTP/1.1\r\n\r\n`,
      400,
      /the hostname asked for is 15000 characters long; the longest accepted is 253/,
    ],
    [
      'an encoded NUL in the hostname',
      'GET /ztp/config/by-hostname/leaf%00x HTTP/1.1\r\n\r\n',
      400,
      /the hostname asked for contains the control character U\+0000/,
    ],
  ])(
    'answers %s at once with what is wrong, recording and counting nothing',
    async (_what, raw, status, message) => {
      const started = Date.now();
      const response = parse(await exchange(port, [raw]));
      expect(response.status).toBe(status);
      expect(response.body).toMatch(message);
      expect(Date.now() - started).toBeLessThan(250);
      await unknown.flush();
      expect(probes).toEqual([]);
      expect(recorded).toEqual([]);
    },
  );

  it('answers 400 to a malformed percent escape and counts the device as unknown', async () => {
    for (const path of [
      '/ztp/config/by-mac/%ZZ',
      '/ztp/config/by-hostname/leaf%',
    ]) {
      const response = parse(
        await exchange(port, [`GET ${path} HTTP/1.1\r\n\r\n`]),
      );
      expect(response.status).toBe(400);
      expect(response.body).toMatch(/malformed percent-encoding/);
    }
    await unknown.flush();
    expect(probes.map(p => p.identifier).sort()).toEqual([
      'hostname leaf%',
      'mac %ZZ',
    ]);
    expect(recorded).toEqual([]);
  });

  it('answers 431 to oversized headers, in one piece or in many', async () => {
    const padding = `X-Padding: ${'a'.repeat(20_000)}\r\n`;
    const whole = parse(
      await exchange(port, [`GET ${PATH} HTTP/1.1\r\n${padding}\r\n`]),
    );
    expect(whole.status).toBe(431);
    const endless = parse(
      await exchange(
        port,
        [`GET ${PATH} HTTP/1.1\r\n`, ...Array(40).fill(padding)],
        1,
      ),
    );
    expect(endless.status).toBe(431);
    expect(recorded).toHaveLength(0);
  });

  it('answers 408 to a client that connects and says nothing', async () => {
    const started = Date.now();
    const response = parse(await exchange(port, []));
    expect(response.status).toBe(408);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('closes an answered connection the client keeps open', async () => {
    const openFds = () => fs.readdirSync('/proc/self/fd').length;
    const before = openFds();
    const client = net.connect({
      port,
      host: '127.0.0.1',
      allowHalfOpen: true,
    });
    let answer = '';
    client.on('data', (c: Buffer) => (answer += c.toString('latin1')));
    const ended = new Promise(r => client.once('end', r));
    client.write(`GET ${PATH} HTTP/1.1\r\nHost: ztp\r\n\r\n`);
    await ended;
    expect(parse(answer).status).toBe(200);
    // The client neither closes nor writes: its socket and the server's.
    expect(openFds()).toBe(before + 2);
    const deadline = Date.now() + 2000;
    while (openFds() > before + 1 && Date.now() < deadline) {
      await new Promise(r => setTimeout(r, 20));
    }
    expect(openFds()).toBe(before + 1);
    client.destroy();
  });

  it('closes open connections and the port when stopped', async () => {
    const idle = net.connect(port, '127.0.0.1');
    await new Promise(r => idle.once('connect', r));
    const closed = new Promise(r => idle.once('close', r));
    await server.stop();
    await closed;
    await expect(
      new Promise((resolve, reject) =>
        net
          .connect(port, '127.0.0.1')
          .once('connect', resolve)
          .once('error', reject),
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
