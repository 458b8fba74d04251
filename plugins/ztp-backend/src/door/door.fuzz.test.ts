import dgram from 'node:dgram';
import net from 'node:net';
import { TestDatabases } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import {
  checkProperty,
  fdsSettle,
  openFds,
  snapshot,
  startFuzzBackend,
} from '../__testUtils__/fuzz';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'SQLITE_3'],
});

/** Sends raw bytes, half-closes, and reads what comes back until close. */
function exchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the door neither answered nor closed within 3 s'));
    }, 3000);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('latin1'));
    });
    socket.on('connect', () => socket.end(bytes));
  });
}

const nasty = fc.constantFrom(
  '',
  '%',
  '%ZZ',
  '%0',
  '%00',
  '%C3%A9',
  '%E2%82',
  '\u0000',
  'é',
  '\u{1F600}',
  '\r',
  '\n',
  '52:54:00:0a:00:13',
  '5254.000a.0013.cfg',
  'leaf-eos',
  'conf_edge-ios.par1.cfg',
  'S'.repeat(65),
  'h'.repeat(300),
  '-1',
  '../../etc/passwd',
);
const text = fc.oneof(
  nasty,
  fc.string({ maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom('h', '%', '0', 'Z', ':', '.'),
    maxLength: 400,
  }),
);
const headerName = fc.oneof(
  fc.constantFrom(
    'Host',
    'X-Arista-Serial',
    'X-Arista-SystemMAC',
    'SERIAL-NUMBER',
    'BASE-MAC-ADDRESS',
    'Content-Length',
    'Transfer-Encoding',
    'Connection',
  ),
  text,
);

/** A request as a device, a broken client or an attacker would send it. */
const request = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .record({
        method: fc.oneof(fc.constantFrom('GET', 'HEAD', 'POST', 'get'), text),
        prefix: fc.constantFrom(
          '/ztp/config',
          '/ztp/config/',
          '/ztp/config/by-mac/',
          '/ztp/config/by-hostname/',
          '/ztp/boot/',
          '/ztp/report/',
          '/',
          '',
        ),
        key: text,
        query: fc.option(text),
        version: fc.oneof(
          fc.constantFrom(
            'HTTP/1.1',
            'HTTP/1.0',
            'HTTP/9.9',
            'HTTP/2.0',
            'HTTP/1.x',
            'http/1.1',
          ),
          text,
        ),
        headers: fc.array(fc.tuple(headerName, text), { maxLength: 6 }),
        eol: fc.constantFrom('\r\n', '\r\n', '\n', '\r'),
        encoding: fc.constantFrom<BufferEncoding>('utf8', 'latin1'),
        body: fc.option(text),
      })
      .map(r => {
        const path = `${r.prefix}${r.key}${
          r.query === null ? '' : `?${r.query}`
        }`;
        const head = [
          `${r.method} ${path} ${r.version}`,
          ...r.headers.map(([name, value]) => `${name}: ${value}`),
          '',
          '',
        ].join(r.eol);
        return Buffer.from(head + (r.body ?? ''), r.encoding);
      }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 2048 }).map(Buffer.from) },
);

const tftpDatagram = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .record({
        opcode: fc.integer({ min: 0, max: 7 }),
        filename: text,
        mode: fc.oneof(fc.constantFrom('octet', 'netascii', 'mail', ''), text),
        terminated: fc.boolean(),
        encoding: fc.constantFrom<BufferEncoding>('utf8', 'latin1'),
      })
      .map(d =>
        Buffer.concat([
          Buffer.from([d.opcode >> 8, d.opcode & 0xff]),
          Buffer.from(`${d.filename}\0${d.mode}`, d.encoding),
          Buffer.from(d.terminated ? [0] : []),
        ]),
      ),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 700 }).map(Buffer.from) },
);

describe.each(databases.eachSupportedId())(
  'the device doors fuzzed on %p',
  id => {
    it('never answer 5xx, leak no socket, and change nothing when they refuse', async () => {
      const knex = await databases.init(id);
      const { backend, doorPort, tftpPort } = await startFuzzBackend(knex);
      const client = dgram.createSocket('udp4');
      await new Promise<void>(r => client.bind(0, '127.0.0.1', r));
      try {
        // Warm up: whatever the first requests open once (pool connections).
        await exchange(
          doorPort,
          Buffer.from('GET /ztp/config/by-mac/x HTTP/1.1\r\n\r\n'),
        );
        let before = await snapshot(knex);
        const baselineFds = openFds();

        await checkProperty(
          fc.asyncProperty(request, async bytes => {
            const raw = await exchange(doorPort, bytes);
            // Nothing comes back only when no complete request head came in.
            if (raw === '') return;
            const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(raw)?.[1]);
            // 505 is the answer to an HTTP version other than 1.x, the one
            // server error that is the client's own.
            expect({ status, fault: status >= 500 && status !== 505 }).toEqual({
              status: expect.any(Number),
              fault: false,
            });
            expect(status).toBeGreaterThanOrEqual(200);
            const after = await snapshot(knex);
            const changedWhenRefused = status !== 200 && after !== before;
            expect({ answer: raw, changedWhenRefused }).toEqual({
              answer: raw,
              changedWhenRefused: false,
            });
            before = after;
          }),
          { numRuns: 200, timeLimitMs: 6_000 },
        );

        const replies: Buffer[] = [];
        client.on('message', (msg, rinfo) => {
          replies.push(msg);
          // A file that goes out is acknowledged block by block to its end.
          if (msg.length >= 4 && msg.readUInt16BE(0) === 3) {
            client.send(
              Buffer.from([0, 4, msg[2], msg[3]]),
              rinfo.port,
              '127.0.0.1',
            );
          }
        });
        await checkProperty(
          fc.asyncProperty(tftpDatagram, async datagram => {
            replies.length = 0;
            client.send(datagram, tftpPort, '127.0.0.1');
            const deadline = Date.now() + 1000;
            while (!replies.length && Date.now() < deadline) {
              await new Promise(r => setTimeout(r, 5));
            }
            expect(replies.length).toBeGreaterThan(0);
            const opcode = replies[0].readUInt16BE(0);
            expect([3, 5]).toContain(opcode);
            const after = await snapshot(knex);
            const changedWhenRefused = opcode === 5 && after !== before;
            expect(changedWhenRefused).toBe(false);
            before = after;
          }),
          { numRuns: 120, timeLimitMs: 4_000 },
        );

        // A leak grows with the requests (hundreds); a pool connection or two
        // opened meanwhile does not.
        expect(await fdsSettle(baselineFds + 4)).toBeLessThanOrEqual(
          baselineFds + 4,
        );
      } finally {
        client.close();
        await backend.stop();
      }
    });
  },
);
