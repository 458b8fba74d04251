import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { ZTP_INPUT_LIMITS } from '@ztp-portal/backstage-plugin-ztp-common';

const OP_RRQ = 1;
const OP_DATA = 3;
const OP_ACK = 4;
const OP_ERROR = 5;
const BLOCK = 512;

/** What a TFTP read request resolves to: a file body, or an error. */
export type TftpResolver = (
  filename: string,
  sourceIp: string,
) => Promise<{ body: string } | { error: string; code: number }>;

/** Transfers at once; a request beyond them is told to retry. */
const MAX_TRANSFERS = 256;

function errorPacket(code: number, message: string): Buffer {
  return Buffer.concat([
    Buffer.from([0, OP_ERROR, 0, code]),
    Buffer.from(message, 'ascii'),
    Buffer.from([0]),
  ]);
}

/**
 * Reads a read request (RRQ: opcode, file name, NUL, mode, NUL) strictly:
 * the file name or an error to answer. File names are printable ASCII, as
 * boot file names are.
 */
export function parseReadRequest(
  msg: Buffer,
): { filename: string } | { code: number; error: string } {
  if (msg.length < 2) return { code: 4, error: 'Illegal TFTP operation' };
  const opcode = msg.readUInt16BE(0);
  if (opcode !== OP_RRQ) {
    return { code: 2, error: 'Access violation: read-only server' };
  }
  const end = msg.indexOf(0, 2);
  const modeEnd = end < 0 ? -1 : msg.indexOf(0, end + 1);
  if (end < 0 || modeEnd < 0) {
    return { code: 4, error: 'Illegal TFTP operation: malformed request' };
  }
  const name = msg.subarray(2, end);
  const mode = msg.subarray(end + 1, modeEnd).toString('latin1');
  if (!/^(octet|netascii)$/i.test(mode)) {
    return { code: 4, error: 'Illegal TFTP operation: unknown mode' };
  }
  if (!name.length || name.length > ZTP_INPUT_LIMITS.tftpFileName) {
    return {
      code: 4,
      error: `Illegal TFTP operation: file name of 1 to ${ZTP_INPUT_LIMITS.tftpFileName} bytes expected`,
    };
  }
  if (name.some(byte => byte < 0x21 || byte > 0x7e)) {
    return {
      code: 4,
      error: 'Illegal TFTP operation: file name must be printable ASCII',
    };
  }
  return { filename: name.toString('latin1') };
}

/**
 * A read-only TFTP server (RFC 1350) for devices that fetch their minimal
 * configuration only over TFTP. Each transfer gets its own socket (its
 * transfer ID), sends 512-byte blocks and waits for each ACK, resending on
 * timeout. Writes are refused. A datagram is checked before anything is
 * allocated for it (source address first, then its form): errors are
 * answered from the listening socket, and only a file that goes out gets a
 * socket of its own, closed when its transfer ends, whatever happens.
 */
export class TftpServer {
  private socket?: dgram.Socket;
  private readonly transfers = new Set<dgram.Socket>();

  constructor(
    private readonly options: {
      host: string;
      port: number;
      resolve: TftpResolver;
      logger: LoggerService;
      /** Whether a source address may fetch; others are refused first. */
      isAllowed?: (sourceIp: string) => boolean;
      timeoutMs?: number;
      retries?: number;
      /** Transfers at once (256); each holds a socket while it runs. */
      maxTransfers?: number;
    },
  ) {}

  async start(): Promise<AddressInfo> {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      void this.onRequest(msg, rinfo).catch(error =>
        this.options.logger.warn(`TFTP request failed: ${error}`),
      );
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(this.options.port, this.options.host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    } catch (error) {
      // A socket that could not bind still holds a descriptor.
      socket.close();
      throw error;
    }
    // A send to a peer that went away fails here; the server keeps serving.
    socket.on('error', error =>
      this.options.logger.warn(`TFTP server: ${error}`),
    );
    this.socket = socket;
    const address = socket.address();
    this.options.logger.info(
      `ZTP TFTP server listening on ${address.address}:${address.port}`,
    );
    return address;
  }

  async stop() {
    for (const t of this.transfers) t.close();
    this.transfers.clear();
    const socket = this.socket;
    this.socket = undefined;
    if (socket)
      await new Promise<void>(resolve => socket.close(() => resolve()));
  }

  private async onRequest(msg: Buffer, rinfo: dgram.RemoteInfo) {
    const listener = this.socket;
    if (!listener) return;
    const refuse = (code: number, message: string) => {
      try {
        listener.send(errorPacket(code, message), rinfo.port, rinfo.address);
      } catch {
        // A source no answer can go to (port 0): nothing to tell it.
      }
    };
    if (this.options.isAllowed && !this.options.isAllowed(rinfo.address)) {
      refuse(2, 'Access violation: this address may not fetch configurations');
      return;
    }
    const request = parseReadRequest(msg);
    if ('error' in request) {
      refuse(request.code, request.error);
      return;
    }
    const filename = request.filename;
    const answer = await this.options.resolve(filename, rinfo.address);
    if ('error' in answer) {
      refuse(answer.code, answer.error);
      return;
    }
    const maxTransfers = this.options.maxTransfers ?? MAX_TRANSFERS;
    if (this.transfers.size >= maxTransfers || !this.socket) {
      refuse(0, 'Server busy: try again');
      return;
    }
    const transfer = dgram.createSocket('udp4');
    this.transfers.add(transfer);
    try {
      await new Promise<void>((resolve, reject) => {
        transfer.once('error', reject);
        transfer.bind(0, this.options.host, () => {
          transfer.off('error', reject);
          resolve();
        });
      });
      // A send failing later (the peer unreachable) ends in the timeout.
      transfer.on('error', () => {});
      await this.send(
        transfer,
        Buffer.from(answer.body, 'utf8'),
        rinfo,
        filename,
      );
    } finally {
      // stop() may have closed it already.
      if (this.transfers.delete(transfer)) transfer.close();
    }
  }

  /** Sends a file in 512-byte blocks, each acknowledged before the next. */
  private async send(
    transfer: dgram.Socket,
    body: Buffer,
    rinfo: dgram.RemoteInfo,
    filename: string,
  ) {
    const reply = (packet: Buffer) =>
      transfer.send(packet, rinfo.port, rinfo.address);
    const blocks = Math.floor(body.length / BLOCK) + 1;
    const timeoutMs = this.options.timeoutMs ?? 1000;
    const retries = this.options.retries ?? 5;

    for (let block = 1; block <= blocks; block++) {
      const data = Buffer.concat([
        Buffer.from([0, OP_DATA, (block >> 8) & 0xff, block & 0xff]),
        body.subarray((block - 1) * BLOCK, block * BLOCK),
      ]);
      let acked = false;
      for (let attempt = 0; attempt <= retries && !acked; attempt++) {
        reply(data);
        acked = await new Promise<boolean>(resolve => {
          const timer = setTimeout(() => {
            transfer.off('message', onAck);
            resolve(false);
          }, timeoutMs);
          function onAck(ack: Buffer, from: dgram.RemoteInfo) {
            if (from.port !== rinfo.port || from.address !== rinfo.address)
              return;
            if (
              ack.length >= 4 &&
              ack.readUInt16BE(0) === OP_ACK &&
              ack.readUInt16BE(2) === (block & 0xffff)
            ) {
              clearTimeout(timer);
              transfer.off('message', onAck);
              resolve(true);
            }
          }
          transfer.on('message', onAck);
        });
      }
      if (!acked) {
        this.options.logger.warn(
          `TFTP transfer of ${filename} to ${rinfo.address} timed out at block ${block}`,
        );
        return;
      }
    }
  }
}
