import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { HTTPParser } from 'http-parser-js';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  sourceAddress,
  type DeviceRequestHandler,
  type DoorResponse,
} from './DeviceRequestHandler';

/** Devices send a request line and a few headers; more is not a device. */
const MAX_HEADER_BYTES = 16 * 1024;
/** A device that opened a connection has this long to send its request. */
const REQUEST_TIMEOUT_MS = 15_000;

type ParsedRequest = {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Request line and headers were over MAX_HEADER_BYTES. */
  tooLarge: boolean;
};

const HEADERS_TOO_LARGE: DoorResponse = {
  status: 431,
  body: 'request headers too large\n',
};

/** The parser's raw [name, value, name, value…] list as Node shapes headers. */
function headerObject(raw: string[]): IncomingHttpHeaders {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

/** The Date header, formatted once a second rather than per response. */
let dateSecond = 0;
let dateHeader = '';
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateHeader = new Date(now).toUTCString();
  }
  return dateHeader;
}

function serialize(response: DoorResponse, head: boolean): Buffer {
  const body = Buffer.from(response.body);
  let text =
    `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n` +
    `date: ${httpDate()}\r\n` +
    `content-type: ${response.contentType ?? 'text/plain; charset=utf-8'}\r\n` +
    `content-length: ${body.length}\r\n` +
    'cache-control: no-store\r\n' +
    'connection: close\r\n';
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    text += `${name}: ${value}\r\n`;
  }
  const headBytes = Buffer.from(`${text}\r\n`, 'latin1');
  return head ? headBytes : Buffer.concat([headBytes, body]);
}

/**
 * The dedicated HTTP listener devices talk to, separate from the portal's
 * API: none of Backstage's per-request user authentication or access logging
 * (what a device did goes to its timeline instead), and reachable from the
 * provisioning network without exposing the portal.
 *
 * Why not node:http: a booting device asks once and closes, so a storm is
 * thousands of one-request connections a second, and node:http's
 * per-connection machinery (request/response streams, keep-alive and timeout
 * bookkeeping) costs several times what the device's answer does. Here a
 * maintained HTTP/1.x parser reads the request straight off the socket and
 * the answer is written in one piece with `connection: close`; a client that
 * would keep the connection open reconnects, as HTTP allows.
 */
export class ProvisioningServer {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /**
   * Connections still waiting for their request, with their deadline. One
   * sweep for all of them: a timer per socket (socket.setTimeout) would be
   * re-armed on every read and write of thousands of short connections.
   */
  private readonly waiting = new Map<net.Socket, number>();
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly options: {
      host: string;
      port: number;
      handler: DeviceRequestHandler;
      logger: LoggerService;
      /** Where it runs, for the log line (e.g. "on a worker thread"). */
      runsOn?: string;
      /** How long a connection may take to send its request (15 s). */
      requestTimeoutMs?: number;
    },
  ) {}

  async start(): Promise<AddressInfo> {
    // Half-open: a client may close its side once its request is sent
    // (scripts piping into nc do) and still expects the answer.
    const server = net.createServer(
      { noDelay: true, allowHalfOpen: true },
      socket => this.accept(socket),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      // Booting devices open a connection per request; keep the backlog deep.
      server.listen(
        { host: this.options.host, port: this.options.port, backlog: 4096 },
        () => {
          server.off('error', reject);
          resolve();
        },
      );
    });
    server.on('error', error =>
      this.options.logger.error(`ZTP provisioning server: ${error}`),
    );
    this.server = server;
    const timeoutMs = this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    this.sweep = setInterval(() => {
      const now = Date.now();
      for (const [socket, deadline] of this.waiting) {
        if (deadline > now) continue;
        this.waiting.delete(socket);
        socket.removeAllListeners('data');
        this.reply(socket, { status: 408, body: 'request timeout\n' }, false);
      }
    }, Math.min(1000, Math.max(25, timeoutMs / 4)));
    this.sweep.unref();
    const address = server.address() as AddressInfo;
    this.options.logger.info(
      `ZTP provisioning server listening on http://${address.address}:${
        address.port
      }${this.options.runsOn ? ` ${this.options.runsOn}` : ''}`,
    );
    return address;
  }

  address(): AddressInfo | undefined {
    return this.server?.address() as AddressInfo | undefined;
  }

  async stop() {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    clearInterval(this.sweep);
    const closed = new Promise<void>(resolve => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private accept(socket: net.Socket) {
    this.sockets.add(socket);
    this.waiting.set(
      socket,
      Date.now() + (this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
    );
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.waiting.delete(socket);
    });
    // A peer resetting the connection is routine for a booting device.
    socket.on('error', () => {});
    // The client closed its side without a complete request: nothing to
    // answer. After a request, its answer is on the way and ends the socket.
    socket.once('end', () => {
      if (this.waiting.has(socket)) socket.destroy();
    });

    const parser = new HTTPParser(HTTPParser.REQUEST);
    parser.maxHeaderSize = MAX_HEADER_BYTES;
    let request: ParsedRequest | undefined;
    // The parser calls back with an info object, or with its fields as
    // arguments when another module switched it to its older calling style.
    parser[HTTPParser.kOnHeadersComplete] = (...args: unknown[]) => {
      const info =
        typeof args[0] === 'object'
          ? (args[0] as { headers: string[]; method: number; url: string })
          : { headers: args[2], method: args[3], url: args[4] };
      const raw = info.headers as string[];
      const url = info.url as string;
      // The parser checks its limit only between reads, so a request that
      // came in one piece is measured here.
      let size = url.length;
      for (const part of raw) size += part.length + 2;
      request = {
        method: HTTPParser.methods[info.method as number] ?? 'UNKNOWN',
        url,
        headers: headerObject(raw),
        tooLarge: size > MAX_HEADER_BYTES,
      };
    };
    // One request per connection: the first complete one is answered, and
    // whatever the client sends after it is not read.
    parser[HTTPParser.kOnMessageComplete] = () => {
      if (!request || socket.listenerCount('data') === 0) return;
      socket.removeAllListeners('data');
      this.waiting.delete(socket);
      if (request.tooLarge) this.reply(socket, HEADERS_TOO_LARGE, false);
      else this.answer(socket, request);
    };
    socket.on('data', (chunk: Buffer) => {
      const result = parser.execute(chunk);
      if (result instanceof Error) {
        socket.removeAllListeners('data');
        this.waiting.delete(socket);
        const tooLarge = /header size/i.test(result.message);
        this.reply(
          socket,
          tooLarge ? HEADERS_TOO_LARGE : { status: 400, body: 'bad request\n' },
          false,
        );
      }
    });
  }

  private answer(socket: net.Socket, request: ParsedRequest) {
    const handler = this.options.handler;
    handler
      .respond({
        method: request.method,
        url: request.url,
        headers: request.headers,
        sourceIp: sourceAddress(socket.remoteAddress),
      })
      .then(
        response => {
          this.reply(socket, response, request.method === 'HEAD');
          handler.delivered(response);
        },
        error => {
          this.options.logger.error(`Provisioning request failed: ${error}`);
          this.reply(socket, { status: 500, body: 'internal error\n' }, false);
        },
      );
  }

  private reply(socket: net.Socket, response: DoorResponse, head: boolean) {
    if (socket.destroyed || socket.writableEnded) return;
    socket.end(serialize(response, head));
  }
}
