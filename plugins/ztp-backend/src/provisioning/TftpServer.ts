import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import type { LoggerService } from '@backstage/backend-plugin-api';

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

function errorPacket(code: number, message: string): Buffer {
  return Buffer.concat([
    Buffer.from([0, OP_ERROR, 0, code]),
    Buffer.from(message, 'ascii'),
    Buffer.from([0]),
  ]);
}

/**
 * A read-only TFTP server (RFC 1350) for devices that fetch their minimal
 * configuration only over TFTP. Each transfer gets its own socket (its
 * transfer ID), sends 512-byte blocks and waits for each ACK, resending on
 * timeout. Writes are refused.
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
      timeoutMs?: number;
      retries?: number;
    },
  ) {}

  async start(): Promise<AddressInfo> {
    const socket = dgram.createSocket('udp4');
    socket.on('message', (msg, rinfo) => {
      void this.onRequest(msg, rinfo).catch(error =>
        this.options.logger.warn(`TFTP request failed: ${error}`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port, this.options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
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
    const transfer = dgram.createSocket('udp4');
    await new Promise<void>(resolve =>
      transfer.bind(0, this.options.host, resolve),
    );
    this.transfers.add(transfer);
    const reply = (packet: Buffer) =>
      transfer.send(packet, rinfo.port, rinfo.address);
    const done = () => {
      // stop() may have closed it already.
      if (this.transfers.delete(transfer)) transfer.close();
    };

    const opcode = msg.readUInt16BE(0);
    if (opcode !== OP_RRQ) {
      reply(errorPacket(2, 'Access violation: read-only server'));
      setTimeout(done, 50);
      return;
    }
    const [filename] = msg.subarray(2).toString('ascii').split('\0');
    const answer = await this.options.resolve(filename, rinfo.address);
    if ('error' in answer) {
      reply(errorPacket(answer.code, answer.error));
      setTimeout(done, 50);
      return;
    }
    const body = Buffer.from(answer.body, 'utf8');
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
        break;
      }
    }
    done();
  }
}
