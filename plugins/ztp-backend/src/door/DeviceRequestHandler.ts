import type {
  IncomingHttpHeaders,
  IncomingMessage,
  ServerResponse,
} from 'node:http';
import ipaddr from 'ipaddr.js';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  serialsMatch,
  textInputProblem,
  ZTP_INPUT_LIMITS,
} from '@ztp-portal/backstage-plugin-ztp-common';
import type { DeviceRecord, NewEvent } from '../database/types';
import type { BootstrapFileIndex, DeviceBootstrap } from './BootstrapFileIndex';
import { BootstrapRoutes } from './bootstrapRoutes';
import type { DeviceIndex, DoorIdentity } from './DeviceIndex';
import type { FetchRecorder } from './FetchRecorder';
import { header, recognizeDevice } from './recognizeDevice';
import type { UnknownDeviceCounter } from './UnknownDeviceCounter';

const ROUTE =
  /^\/ztp\/config(?:\/(by-mac|by-hostname)\/([^/?]+))?\/?(?:\?.*)?$/;

/** Gives a device's minimal configuration (rendered, or from a cache). */
export type MinimalConfigSource<D extends DoorIdentity = DeviceRecord> = {
  render(device: D): string;
  /** The files its platform's own agent asks for (BootstrapRenderer). */
  bootstrap?(device: D): DeviceBootstrap;
  /** What, changed, is rendered again (doorSignature when not given). */
  signature?(device: D): string;
};

/** What the door answers to one request. */
export type DoorResponse = {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** text/plain unless said otherwise (a Python script, for instance). */
  contentType?: string;
  /** The device served, when a configuration went out. */
  device?: DoorIdentity;
};

export type DeviceRequestHandlerOptions<D extends DoorIdentity = DeviceRecord> =
  {
    index: DeviceIndex<D>;
    renderer: MinimalConfigSource<D>;
    recorder: FetchRecorder;
    unknown: UnknownDeviceCounter;
    logger: LoggerService;
    /** CIDRs allowed to fetch; empty means everyone. */
    allowedNetworks: string[];
    /** Called after a fetch is durably recorded. */
    onFetched: (device: DoorIdentity) => void;
    /** Time a device needs to apply its configuration before SSH answers. */
    firstCheckDelayMs?: number;
    /** Platforms' own bootstrap files and the device callback (bootstrapRoutes). */
    bootstrap?: {
      files: BootstrapFileIndex;
      store: { addEvent(event: NewEvent): Promise<void> };
      onReported(entityRef: string): void;
    };
  };

/** The headers a device may identify itself with, and their longest values. */
const IDENTITY_HEADERS: [name: string, maxLength: number][] = [
  ['X-Arista-Serial', ZTP_INPUT_LIMITS.serial],
  ['SERIAL-NUMBER', ZTP_INPUT_LIMITS.serial],
  ['X-Arista-SystemMAC', ZTP_INPUT_LIMITS.mac],
  ['BASE-MAC-ADDRESS', ZTP_INPUT_LIMITS.mac],
];

/**
 * What is wrong with what a device sent to identify itself, or undefined:
 * checked before anything is counted or recorded, so that one device's
 * malformed request cannot fail the write it would have shared with others.
 */
function identityProblem(request: {
  kind: 'mac' | 'hostname' | 'auto';
  key?: string;
  headers: IncomingHttpHeaders;
}): string | undefined {
  if (request.key !== undefined && request.kind !== 'auto') {
    const problem = textInputProblem(
      `the ${request.kind === 'mac' ? 'MAC address' : 'hostname'} asked for`,
      request.key,
      request.kind === 'mac' ? ZTP_INPUT_LIMITS.mac : ZTP_INPUT_LIMITS.hostname,
    );
    if (problem) return problem;
  }
  for (const [name, maxLength] of IDENTITY_HEADERS) {
    const value = header(request.headers, name);
    const problem = value && textInputProblem(name, value, maxLength);
    if (problem) return problem;
  }
  return undefined;
}

/** Decodes a path segment; undefined when its percent-encoding is malformed. */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

const PLAIN_IPV4 = /^(?:::ffff:)?(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** A peer's address as the queue stores it (IPv4-mapped IPv6 unwrapped). */
export function sourceAddress(remoteAddress: string | undefined): string {
  const raw = remoteAddress ?? '';
  // The common case without a parser on the hot path.
  const v4 = PLAIN_IPV4.exec(raw);
  if (v4) return v4[1];
  try {
    const addr = ipaddr.process(raw);
    return addr.toString();
  } catch {
    return raw;
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': headers['content-type'] ?? 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
}

/**
 * The device door: answers a booting device's request for its minimal
 * configuration. Plain node:http request/response, so it runs on the
 * dedicated provisioning listener (no Backstage middleware in the way) and,
 * when configured, on the plugin router.
 */
export class DeviceRequestHandler<D extends DoorIdentity = DeviceRecord> {
  private readonly allowed: [ipaddr.IPv4 | ipaddr.IPv6, number][];
  private readonly bootstrap?: BootstrapRoutes;

  constructor(private readonly options: DeviceRequestHandlerOptions<D>) {
    this.allowed = options.allowedNetworks.map(cidr => ipaddr.parseCIDR(cidr));
    if (options.bootstrap) {
      this.bootstrap = new BootstrapRoutes({
        ...options.bootstrap,
        index: options.index,
        logger: options.logger,
        recordDelivery: (device, sourceIp, via) =>
          this.recordDelivery(device, sourceIp, via),
      });
    }
  }

  /** Records a bootstrap file that carried the configuration; false if not. */
  private async recordDelivery(
    device: DoorIdentity,
    sourceIp: string,
    via: string,
  ): Promise<boolean> {
    try {
      const at = new Date();
      await this.options.recorder.record({
        entityRef: device.entityRef,
        sourceIp,
        at,
        checkAt: new Date(at.getTime() + (this.options.firstCheckDelayMs ?? 0)),
        via,
        headerSerialMismatch: false,
        expectedSerial: device.expectedSerial,
      });
      return true;
    } catch (error) {
      this.options.logger.error(
        `Could not record the fetch of ${device.entityRef}: ${error}`,
      );
      return false;
    }
  }

  /** Whether this source address may fetch (ztp.provisioning.allowedNetworks). */
  isAllowed(ip: string): boolean {
    if (!this.allowed.length) return true;
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = ipaddr.parse(ip);
    } catch {
      return false;
    }
    return this.allowed.some(
      ([net, len]) => net.kind() === addr.kind() && addr.match(net, len),
    );
  }

  /**
   * Recognises the device, renders its configuration and records the fetch
   * durably; shared by the HTTP and TFTP doors.
   */
  async provide(request: {
    kind: 'mac' | 'hostname' | 'auto';
    /** The MAC or hostname asked for, decoded. */
    key?: string;
    /** The key as it came in a URL, when its percent-encoding is malformed. */
    undecodableKey?: string;
    headers: IncomingHttpHeaders;
    sourceIp: string;
    /** False for HEAD: nothing was delivered, so nothing is recorded. */
    record?: boolean;
  }): Promise<{ status: number; body: string; device?: D }> {
    if (!this.isAllowed(request.sourceIp)) {
      return {
        status: 403,
        body: 'forbidden: this address may not fetch configurations\n',
      };
    }
    if (request.undecodableKey !== undefined) {
      // A device asked, with a name nobody could have declared: it is
      // counted as unknown under the name it sent.
      const raw = request.undecodableKey;
      if (!identityProblem({ ...request, key: raw })) {
        this.options.unknown.count(request.sourceIp, `${request.kind} ${raw}`);
      }
      return {
        status: 400,
        body: `bad request: malformed percent-encoding in "${raw.slice(
          0,
          80,
        )}"\n`,
      };
    }
    const problem = identityProblem(request);
    if (problem) return { status: 400, body: `bad request: ${problem}\n` };
    const recognition = recognizeDevice(this.options.index, request);
    if ('identifier' in recognition) {
      this.options.unknown.count(request.sourceIp, recognition.identifier);
      return { status: 404, body: 'unknown device\n' };
    }
    const device = recognition.device;
    let config: string;
    try {
      config = this.options.renderer.render(device);
    } catch (error) {
      this.options.logger.error(
        `Could not render the minimal configuration of ${device.entityRef}: ${error}`,
      );
      return { status: 500, body: 'configuration could not be rendered\n' };
    }
    if (request.record === false) return { status: 200, body: config };
    try {
      const at = new Date();
      await this.options.recorder.record({
        entityRef: device.entityRef,
        sourceIp: request.sourceIp,
        at,
        checkAt: new Date(at.getTime() + (this.options.firstCheckDelayMs ?? 0)),
        via: recognition.via,
        headerSerial: recognition.headerSerial,
        headerSerialMismatch:
          !!recognition.headerSerial &&
          !serialsMatch(recognition.headerSerial, device.expectedSerial),
        expectedSerial: device.expectedSerial,
      });
    } catch (error) {
      // Unrecorded means unserved: the device retries, nothing is lost.
      this.options.logger.error(
        `Could not record the fetch of ${device.entityRef}: ${error}`,
      );
      return { status: 503, body: 'try again\n' };
    }
    return { status: 200, body: config, device };
  }

  /**
   * Answers one HTTP request, whatever server parsed it: the dedicated
   * door's listener or Express on the plugin router. The caller writes the
   * response, then calls delivered().
   */
  async respond(request: {
    method: string;
    /** Relative to the door's mount point. */
    url: string;
    headers: IncomingHttpHeaders;
    sourceIp: string;
  }): Promise<DoorResponse> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return {
        status: 405,
        body: 'method not allowed\n',
        headers: { allow: 'GET, HEAD' },
      };
    }
    if (this.bootstrap?.matches(request.url)) {
      if (!this.isAllowed(request.sourceIp)) {
        return {
          status: 403,
          body: 'forbidden: this address may not fetch configurations\n',
        };
      }
      return this.bootstrap.respond({
        url: request.url,
        sourceIp: request.sourceIp,
        head: request.method === 'HEAD',
      });
    }
    const match = ROUTE.exec(request.url);
    if (!match) return { status: 404, body: 'not found\n' };
    const kinds = { 'by-mac': 'mac', 'by-hostname': 'hostname' } as const;
    const kind = kinds[match[1] as keyof typeof kinds] ?? 'auto';
    const key =
      match[2] === undefined ? undefined : decodePathSegment(match[2]);
    const result = await this.provide({
      kind,
      key,
      undecodableKey: key === undefined ? match[2] : undefined,
      headers: request.headers,
      sourceIp: request.sourceIp,
      record: request.method !== 'HEAD',
    });
    return result.status === 503
      ? { ...result, headers: { 'retry-after': '5' } }
      : result;
  }

  /** After a response went out: the device's fetch is announced. */
  delivered(response: DoorResponse) {
    if (response.device) this.options.onFetched(response.device);
  }

  /** Handles one request on the plugin router (Express). */
  handle = async (req: IncomingMessage, res: ServerResponse, path?: string) => {
    const response = await this.respond({
      method: req.method ?? 'GET',
      url: path ?? req.url ?? '/',
      headers: req.headers,
      sourceIp: sourceAddress(req.socket.remoteAddress),
    });
    send(
      res,
      response.status,
      req.method === 'HEAD' ? '' : response.body,
      response.contentType
        ? { ...response.headers, 'content-type': response.contentType }
        : response.headers,
    );
    this.delivered(response);
  };

  /** Resolves a TFTP file name: a MAC or a hostname, as boot files are named. */
  tftpResolver = async (filename: string, sourceIp: string) => {
    const file =
      this.isAllowed(sourceIp) &&
      (await this.bootstrap?.tftp(filename, sourceIp));
    if (file) {
      this.delivered(file);
      return file.status === 200
        ? { body: file.body }
        : { error: file.body.trim(), code: 0 };
    }
    const name = filename.replace(/^.*\//, '').replace(/-confg$/i, '');
    const kind =
      /^(conf[_.])?([0-9a-f]{2}[:-]?){5}[0-9a-f]{2}(\.\w+)?$|^(conf[_.])?[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}(\.\w+)?$/i.test(
        name,
      )
        ? 'mac'
        : 'hostname';
    // A name every device asks for (router-confg), from an address no
    // device with that file is declared at: recognised, or counted as
    // unknown, by its address rather than by the name.
    const result = await this.provide(
      this.bootstrap?.answersBySourceAddress(filename)
        ? { kind: 'auto', headers: {}, sourceIp }
        : { kind, key: name, headers: {}, sourceIp },
    );
    if (result.device) this.options.onFetched(result.device);
    return result.status === 200
      ? { body: result.body }
      : { error: result.body.trim(), code: result.status === 403 ? 2 : 1 };
  };
}
