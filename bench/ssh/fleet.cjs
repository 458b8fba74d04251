/*
 * Writes the benchmark fleet: one line per simulated device, tab-separated,
 *   index  address  port  username  password  serial  hostname
 * Addresses count up from BASE (three octets, e.g. 127.0.120) through .1-.250
 * of each /24, so 500 devices take 127.0.120.1 to 127.0.121.250. Every device
 * has its own serial and password, as devices provisioned by ZTP do.
 *
 *   node fleet.cjs --devices 500 --base 127.0.120 --port 22 \
 *     --platform cisco-iosxe > fleet.tsv
 */
'use strict';

const { createHash } = require('node:crypto');

const args = parseArgs(process.argv.slice(2), {
  devices: '500',
  base: '127.0.120',
  port: '22',
  platform: 'cisco-iosxe',
});

/** Serial shapes of the platforms (prefix and length as the real ones). */
const SERIAL_SHAPES = {
  'cisco-iosxe': { prefix: 'FOC', length: 11 },
  'cisco-nxos': { prefix: 'FDO', length: 11 },
  'arista-eos': { prefix: 'JPE', length: 11 },
  'juniper-junos': { prefix: 'WS', length: 12 },
};

const count = Number(args.devices);
const shape = SERIAL_SHAPES[args.platform];
if (!shape) fail(`unknown platform ${args.platform}`);
const octets = args.base.split('.').map(Number);
if (
  octets.length !== 3 ||
  octets[0] !== 127 ||
  octets.some(o => !Number.isInteger(o) || o < 0 || o > 255)
) {
  fail(
    `--base must be three octets in 127/8, e.g. 127.0.120 (got ${args.base})`,
  );
}
if (!Number.isInteger(count) || count < 1) fail('--devices must be positive');
const perBlock = 250;
const blocks = Math.ceil(count / perBlock);
if (octets[2] + blocks - 1 > 255) fail('too many devices for that --base');

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
const lines = [];
for (let i = 0; i < count; i++) {
  const address = `${octets[0]}.${octets[1]}.${
    octets[2] + Math.floor(i / perBlock)
  }.${(i % perBlock) + 1}`;
  const digest = createHash('sha256').update(`bench-device-${i}`).digest();
  let serial = shape.prefix;
  for (let k = 0; serial.length < shape.length; k++) {
    serial += alphabet[digest[k] % alphabet.length];
  }
  const password = `Bench-${digest.subarray(20, 26).toString('hex')}`;
  const hostname = `bench-sw-${String(i + 1).padStart(4, '0')}`;
  lines.push(
    [i, address, args.port, 'ztp-bench', password, serial, hostname].join('\t'),
  );
}
process.stdout.write(`${lines.join('\n')}\n`);

function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in defaults) || argv[i + 1] === undefined) {
      fail(`unknown or incomplete option ${argv[i]}`);
    }
    out[key] = argv[i + 1];
  }
  return out;
}

function fail(message) {
  console.error(`fleet.cjs: ${message}`);
  process.exit(2);
}
