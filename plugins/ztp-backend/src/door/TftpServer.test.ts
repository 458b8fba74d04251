import dgram from 'node:dgram';
import fs from 'node:fs';
import { mockServices } from '@backstage/backend-test-utils';
import type { ConfMinFetch, DeviceRecord } from '../database/types';
import type { FetchStore } from '../database/FetchStore';
import type { UnknownDeviceStore } from '../database/UnknownDeviceStore';
import { DeviceIndex } from './DeviceIndex';
import { DeviceRequestHandler } from './DeviceRequestHandler';
import { FetchRecorder } from './FetchRecorder';
import { TftpServer } from './TftpServer';
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
const CONFIG = 'hostname leaf-01\n'.repeat(40);

const openFds = () => fs.readdirSync('/proc/self/fd').length;
const rrq = (name: string | Buffer, mode = 'octet') =>
  Buffer.concat([
    Buffer.from([0, 1]),
    Buffer.isBuffer(name) ? name : Buffer.from(name, 'latin1'),
    Buffer.from([0]),
    Buffer.from(mode),
    Buffer.from([0]),
  ]);

async function startTftp(allowedNetworks: string[], maxTransfers?: number) {
  const recorded: ConfMinFetch[] = [];
  const probes: { identifier: string }[] = [];
  const stores = {
    recordFetches: async (fetches: ConfMinFetch[]) => {
      recorded.push(...fetches);
      return [];
    },
    recordUnknownDevices: async (p: { identifier: string }[]) => {
      probes.push(...p);
    },
  } as unknown as FetchStore & UnknownDeviceStore;
  const index = new DeviceIndex();
  index.replaceAll([device]);
  const unknown = new UnknownDeviceCounter(stores);
  const handler = new DeviceRequestHandler({
    index,
    renderer: { render: () => CONFIG },
    recorder: new FetchRecorder(stores),
    unknown,
    logger: mockServices.logger.mock(),
    allowedNetworks,
    onFetched: () => {},
  });
  const resolved: string[] = [];
  const server = new TftpServer({
    host: '127.0.0.1',
    port: 0,
    resolve: (name, ip) => {
      resolved.push(name);
      return handler.tftpResolver(name, ip);
    },
    isAllowed: ip => handler.isAllowed(ip),
    logger: mockServices.logger.mock(),
    timeoutMs: 200,
    retries: 1,
    maxTransfers,
  });
  const { port } = await server.start();
  return { server, port, recorded, probes, resolved, unknown };
}

/** A client socket that collects what comes back, with the sender's port. */
async function client() {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>(r => socket.bind(0, '127.0.0.1', r));
  const received: { msg: Buffer; port: number }[] = [];
  socket.on('message', (msg, rinfo) =>
    received.push({ msg, port: rinfo.port }),
  );
  return { socket, received };
}

const until = async (condition: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) {
    await new Promise(r => setTimeout(r, 10));
  }
};

describe('TftpServer', () => {
  it('answers malformed datagrams from the listening socket, opening nothing', async () => {
    const tftp = await startTftp([]);
    const { socket, received } = await client();
    const malformed = [
      Buffer.from([1]),
      Buffer.from([0, 1]),
      Buffer.from([0, 1, 0x41, 0x42]),
      rrq('leaf-01', 'mail'),
      rrq(Buffer.from([0xc3, 0xa9, 0x41])),
      rrq('a'.repeat(300)),
      Buffer.from([0, 2, 0x41, 0, 0x6f, 0]),
      Buffer.from([0, 9, 0, 0]),
    ];
    try {
      // Warm up whatever the first exchange allocates once.
      socket.send(Buffer.from([1]), tftp.port, '127.0.0.1');
      await until(() => received.length === 1);
      const before = openFds();
      // In rounds: a burst would overflow the receive buffers of loopback.
      for (let round = 0; round < 50; round++) {
        for (const packet of malformed) {
          socket.send(packet, tftp.port, '127.0.0.1');
        }
        await until(
          () => received.length === 1 + (round + 1) * malformed.length,
        );
      }
      expect(received).toHaveLength(1 + 50 * malformed.length);
      expect(openFds()).toBeLessThanOrEqual(before);
      for (const { msg, port } of received) {
        expect(port).toBe(tftp.port);
        expect(msg.readUInt16BE(0)).toBe(5);
      }
      expect(tftp.resolved).toEqual([]);
    } finally {
      socket.close();
      await tftp.server.stop();
    }
  });

  it('counts a file name with a bad percent escape as an unknown device', async () => {
    const tftp = await startTftp([]);
    const { socket, received } = await client();
    try {
      const before = openFds();
      socket.send(rrq('conf_%ZZ.cfg'), tftp.port, '127.0.0.1');
      socket.send(rrq('%'), tftp.port, '127.0.0.1');
      await until(() => received.length === 2);
      expect(received.map(r => r.msg.subarray(4, -1).toString())).toEqual([
        'unknown device',
        'unknown device',
      ]);
      expect(openFds()).toBeLessThanOrEqual(before);
      await tftp.unknown.flush();
      expect(tftp.probes.map(p => p.identifier).sort()).toEqual([
        'hostname %',
        'hostname %ZZ',
      ]);
    } finally {
      socket.close();
      await tftp.server.stop();
    }
  });

  it('refuses a source outside the allowed networks before reading its datagram', async () => {
    const tftp = await startTftp(['198.18.0.0/15']);
    const { socket, received } = await client();
    try {
      socket.send(Buffer.from([1]), tftp.port, '127.0.0.1');
      socket.send(rrq('leaf-01'), tftp.port, '127.0.0.1');
      await until(() => received.length === 2);
      for (const { msg } of received) {
        expect(msg.readUInt16BE(0)).toBe(5);
        expect(msg.readUInt16BE(2)).toBe(2);
        expect(msg.subarray(4, -1).toString()).toMatch(/Access violation/);
      }
      expect(tftp.resolved).toEqual([]);
      await tftp.unknown.flush();
      expect(tftp.probes).toEqual([]);
    } finally {
      socket.close();
      await tftp.server.stop();
    }
  });

  it('closes the transfer socket when a transfer ends, acknowledged or not', async () => {
    const tftp = await startTftp([]);
    const { socket, received } = await client();
    try {
      const before = openFds();
      // Acknowledged: each block ACKed to the transfer's own port.
      socket.on('message', (msg, rinfo) => {
        if (msg.readUInt16BE(0) === 3) {
          socket.send(
            Buffer.from([0, 4, msg[2], msg[3]]),
            rinfo.port,
            '127.0.0.1',
          );
        }
      });
      socket.send(rrq('leaf-01'), tftp.port, '127.0.0.1');
      await until(() => received.some(r => r.msg.length < 516));
      const body = Buffer.concat(received.map(r => r.msg.subarray(4)));
      expect(body.toString()).toBe(CONFIG);
      expect(tftp.recorded.map(f => f.entityRef)).toEqual([device.entityRef]);
      await until(() => openFds() <= before);
      expect(openFds()).toBeLessThanOrEqual(before);

      // Never acknowledged: the transfer gives up and still closes.
      const silent = dgram.createSocket('udp4');
      await new Promise<void>(r => silent.bind(0, '127.0.0.1', r));
      const beforeSilent = openFds();
      silent.send(rrq('70db.98a1.1021'), tftp.port, '127.0.0.1');
      await new Promise(r => setTimeout(r, 700));
      expect(openFds()).toBeLessThanOrEqual(beforeSilent);
      silent.close();
    } finally {
      socket.close();
      await tftp.server.stop();
    }
  });

  it('tells a request beyond the transfers it runs at once to retry', async () => {
    const tftp = await startTftp([], 1);
    const { socket, received } = await client();
    try {
      socket.send(rrq('leaf-01'), tftp.port, '127.0.0.1');
      await until(() => received.length === 1);
      socket.send(rrq('leaf-01'), tftp.port, '127.0.0.1');
      await until(() => received.length === 2);
      const [first, second] = received;
      expect(first.msg.readUInt16BE(0)).toBe(3);
      expect(first.port).not.toBe(tftp.port);
      expect(second.port).toBe(tftp.port);
      expect(second.msg.readUInt16BE(0)).toBe(5);
      expect(second.msg.subarray(4, -1).toString()).toBe(
        'Server busy: try again',
      );
    } finally {
      socket.close();
      await tftp.server.stop();
    }
  });
});
