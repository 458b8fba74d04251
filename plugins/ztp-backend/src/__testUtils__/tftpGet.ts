import dgram from 'node:dgram';

/**
 * A TFTP read (RFC 1350, octet mode) from a chosen source address, as a
 * booting device asks from the address DHCP gave it (HPA's client cannot
 * choose its source). Resolves with the file, or the server's error.
 */
export async function tftpGet(options: {
  server: string;
  port: number;
  filename: string;
  sourceAddress: string;
  timeoutMs?: number;
}): Promise<{ body: string } | { error: string; code: number }> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, options.sourceAddress, () => resolve());
  });
  const chunks: Buffer[] = [];
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no TFTP answer for ${options.filename}`)),
        options.timeoutMs ?? 5000,
      );
      socket.on('message', (msg, rinfo) => {
        const opcode = msg.readUInt16BE(0);
        if (opcode === 5) {
          clearTimeout(timer);
          resolve({
            code: msg.readUInt16BE(2),
            error: msg.subarray(4, msg.indexOf(0, 4)).toString('latin1'),
          });
          return;
        }
        if (opcode !== 3) return;
        const block = msg.readUInt16BE(2);
        if (block === chunks.length + 1) chunks.push(msg.subarray(4));
        const ack = Buffer.from([0, 4, 0, 0]);
        ack.writeUInt16BE(block, 2);
        socket.send(ack, rinfo.port, rinfo.address);
        if (msg.length < 516) {
          clearTimeout(timer);
          resolve({ body: Buffer.concat(chunks).toString('utf8') });
        }
      });
      socket.send(
        Buffer.concat([
          Buffer.from([0, 1]),
          Buffer.from(options.filename, 'latin1'),
          Buffer.from([0]),
          Buffer.from('octet'),
          Buffer.from([0]),
        ]),
        options.port,
        options.server,
      );
    });
  } finally {
    await new Promise<void>(r => socket.close(() => r()));
  }
}
