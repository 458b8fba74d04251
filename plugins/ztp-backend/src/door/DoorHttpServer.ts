import { STATUS_CODES } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ZTP_INPUT_LIMITS } from '@ztp-portal/backstage-plugin-ztp-common';
import {
  sourceAddress,
  type DeviceRequestHandler,
  type DoorResponse,
} from './DeviceRequestHandler';
import type { DoorIdentity } from './DeviceIndex';
import type { ImageDownloads } from './ImageDownloads';
import {
  headEnd,
  isHeadProblem,
  parseRequestHead,
  type RequestHead,
} from './requestHead';

/** Devices send a request line and a few headers; more is not a device. */
const MAX_HEADER_BYTES = ZTP_INPUT_LIMITS.requestHeadBytes;
/** A device that opened a connection has this long to send its request. */
const REQUEST_TIMEOUT_MS = 15_000;

const HEADERS_TOO_LARGE: DoorResponse = {
  status: 431,
  body: 'request headers too large\n',
};

/*
 * One listener function of each kind for every connection, `this` being the
 * socket and its door a property of it, rather than closures made per
 * connection: a storm opens thousands of connections a second, and their
 * closures were garbage.
 */
const DOOR = Symbol('door');
type DoorSocket = net.Socket & { [DOOR]: DoorHttpServer };

function onClose(this: DoorSocket) {
  this[DOOR].forget(this);
}

/**
 * The client closed its side without a complete request: nothing to
 * answer. After a request, its answer is on the way and ends the socket.
 */
function onEnd(this: DoorSocket) {
  if (this[DOOR].isWaiting(this)) this.destroy();
}

function onData(this: DoorSocket, chunk: Buffer) {
  this[DOOR].received(this, chunk);
}

function ignoreError() {}

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

/**
 * The whole response as one string, written with one call: the head is
 * ASCII, so the string goes out as UTF-8 without a Buffer made for it (a
 * Buffer for the body, one for the head and one for both cost three
 * allocations and two copies per fetch).
 */
function serialize(response: DoorResponse, head: boolean): string {
  const body = response.body;
  let text =
    `HTTP/1.1 ${response.status} ${STATUS_CODES[response.status] ?? ''}\r\n` +
    `date: ${httpDate()}\r\n` +
    `content-type: ${response.contentType ?? 'text/plain; charset=utf-8'}\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'cache-control: no-store\r\n' +
    'connection: close\r\n';
  const headers = response.headers;
  if (headers) {
    for (const name of Object.keys(headers)) {
      text += `${name}: ${headers[name]}\r\n`;
    }
  }
  return head ? `${text}\r\n` : `${text}\r\n${body}`;
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
 * bookkeeping) costs several times what the device's answer does. Here the
 * request head is read straight off the socket by a strict reader (a device
 * GETs, without a body) and the answer is written in one piece with
 * `connection: close`; a client that would keep the connection open
 * reconnects, as HTTP allows.
 */
export class DoorHttpServer {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  /**
   * Connections still waiting for their request, with their deadline. One
   * sweep for all of them: a timer per socket (socket.setTimeout) would be
   * re-armed on every read and write of thousands of short connections.
   */
  private readonly waiting = new Map<net.Socket, number>();
  /**
   * Answered connections the client has not closed yet, with the time they
   * are closed anyway: a client that never reads or closes would otherwise
   * hold its socket, and a file descriptor, for good.
   */
  private readonly closing = new Map<net.Socket, number>();
  private sweep?: NodeJS.Timeout;

  constructor(
    private readonly options: {
      host: string;
      port: number;
      /** What it answers with, whichever device records its index holds. */
      handler: Pick<
        DeviceRequestHandler<DoorIdentity>,
        'respond' | 'delivered'
      >;
      logger: LoggerService;
      /** Where it runs, for the log line (e.g. "on a worker thread"). */
      runsOn?: string;
      /** How long a connection may take to send its request (15 s). */
      requestTimeoutMs?: number;
      /** How long an answered client has to read it and close (15 s). */
      lingerMs?: number;
      /** The image route (/ztp/images/), streamed rather than answered whole. */
      images?: ImageDownloads;
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
        this.partial.delete(socket);
        socket.off('data', onData);
        this.reply(socket, { status: 408, body: 'request timeout\n' }, false);
      }
      for (const [socket, deadline] of this.closing) {
        if (deadline > now) continue;
        this.closing.delete(socket);
        socket.destroy();
      }
    }, Math.min(1000, Math.max(25, Math.min(timeoutMs, this.lingerMs()) / 4)));
    this.sweep.unref();
    const address = server.address() as AddressInfo;
    this.options.logger.info(
      `ZTP provisioning server listening on http://${address.address}:${
        address.port
      }${this.options.runsOn ? ` ${this.options.runsOn}` : ''}`,
    );
    return address;
  }

  private lingerMs() {
    return this.options.lingerMs ?? REQUEST_TIMEOUT_MS;
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

  /** Heads that came in several reads, until their blank line. */
  private readonly partial = new Map<net.Socket, Buffer>();

  /** A connection is over: its socket is forgotten. */
  forget(socket: net.Socket) {
    this.sockets.delete(socket);
    this.waiting.delete(socket);
    this.closing.delete(socket);
    this.partial.delete(socket);
  }

  /** Whether a connection has not sent its whole request yet. */
  isWaiting(socket: net.Socket): boolean {
    return this.waiting.has(socket);
  }

  private accept(socket: net.Socket) {
    (socket as DoorSocket)[DOOR] = this;
    this.sockets.add(socket);
    this.waiting.set(
      socket,
      Date.now() + (this.options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS),
    );
    socket.on('close', onClose);
    // A peer resetting the connection is routine for a booting device.
    socket.on('error', ignoreError);
    socket.on('end', onEnd);
    socket.on('data', onData);
  }

  /**
   * The head is collected until its blank line, then read in one go: one
   * request per connection, answered once its head is in; whatever the
   * client sends after it is not read.
   */
  received(socket: net.Socket, chunk: Buffer) {
    const before = this.partial.get(socket);
    const received = before ? Buffer.concat([before, chunk]) : chunk;
    const end = headEnd(received);
    if (end < 0 && received.length <= MAX_HEADER_BYTES) {
      this.partial.set(socket, received);
      return;
    }
    if (before) this.partial.delete(socket);
    socket.off('data', onData);
    this.waiting.delete(socket);
    if (end < 0 || end > MAX_HEADER_BYTES) {
      this.reply(socket, HEADERS_TOO_LARGE, false);
      return;
    }
    const head = parseRequestHead(received.subarray(0, end));
    if (isHeadProblem(head)) {
      this.reply(socket, { status: head.status, body: head.message }, false);
    } else {
      this.answer(socket, head);
    }
  }

  private answer(socket: net.Socket, request: RequestHead) {
    const images = this.options.images;
    if (images?.matches(request.url)) {
      images.serve(
        socket,
        request,
        sourceAddress(socket.remoteAddress),
        response => this.reply(socket, response, request.method === 'HEAD'),
        () => this.closing.set(socket, Date.now() + this.lingerMs()),
      );
      return;
    }
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
    socket.end(serialize(response, head), 'utf8');
    this.closing.set(socket, Date.now() + this.lingerMs());
  }
}
