/*
 * One sweep of serial checks through the ZTP backend's own SSH path: for each
 * device, openDeviceCli (plugins/ztp-backend/src/ssh) and the platform
 * driver's readSerial, under a p-limit of C checks at once, with the options
 * SerialCheckService.readSerial passes (connect timeout, deadline, driver
 * algorithms and CLI settings). The store, vault and events around it are
 * left out: this measures what the SSH part of one sweep costs.
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs ztp-sweep.cjs \
 *     --fleet fleet.tsv --platform cisco-iosxe --concurrency 50 \
 *     [--connect-timeout-ms 5000] [--deadline-ms 30000] [--warmup 1] \
 *     [--nodelay true]
 *
 * Prints one JSON line: devices, wall time, per-device latencies (ms, from
 * taking a slot to closing the session), errors, CPU and max RSS.
 */
'use strict';

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const pLimit = require('p-limit');

const args = parseArgs(process.argv.slice(2), {
  fleet: '',
  platform: 'cisco-iosxe',
  concurrency: '50',
  'connect-timeout-ms': '5000',
  'deadline-ms': '30000',
  warmup: '1',
  nodelay: 'false',
});

// --nodelay true measures a proposed fix: openDeviceCli's socket with
// Nagle's algorithm off (TCP_NODELAY), as OpenSSH's client sets it on every
// session. openDeviceCli opens its socket with net.connect.
const clientNoDelay = args.nodelay === 'true';
if (clientNoDelay) {
  const connect = net.connect;
  net.connect = function connectWithoutNagle(...connectArgs) {
    const socket = connect.apply(net, connectArgs);
    socket.setNoDelay(true);
    return socket;
  };
}

const BACKEND = path.resolve(__dirname, '../../plugins/ztp-backend/src');
const { openDeviceCli } = require(`${BACKEND}/ssh`);

/** The platform's driver, from its own module package (one per platform). */
function platformDriver(id) {
  const module = require(`@ztp-portal/backstage-plugin-ztp-backend-module-${id}`);
  const driver = Object.values(module).find(
    value => value && typeof value === 'object' && value.id === id,
  );
  if (!driver) throw new Error(`no driver for platform ${id}`);
  return driver;
}

async function checkSerial(driver, device) {
  const session = await openDeviceCli({
    host: device.address,
    port: device.port,
    username: device.username,
    password: device.password,
    algorithms: driver.sshAlgorithms,
    connectTimeoutMs: Number(args['connect-timeout-ms']),
    deadlineMs: Number(args['deadline-ms']),
    cli: driver.cli,
  });
  try {
    return await driver.readSerial(session.cli);
  } finally {
    session.close();
  }
}

async function main() {
  const driver = platformDriver(args.platform);
  const fleet = fs
    .readFileSync(args.fleet, 'utf8')
    .trim()
    .split('\n')
    .map(line => {
      const [, address, port, username, password, serial] = line.split('\t');
      return { address, port: Number(port), username, password, serial };
    });

  // A backend is a long-running process: its code is loaded and compiled
  // before a sweep starts, so a few checks first keep that out of the sweep.
  for (let i = 0; i < Number(args.warmup); i++) {
    await checkSerial(driver, fleet[i % fleet.length]);
  }

  const limit = pLimit(Number(args.concurrency));
  const latencies = [];
  const errors = [];
  const cpuBefore = process.cpuUsage();
  const setupCpuSeconds = (cpuBefore.user + cpuBefore.system) / 1e6;
  const started = process.hrtime.bigint();
  await Promise.all(
    fleet.map(device =>
      limit(async () => {
        const t0 = process.hrtime.bigint();
        try {
          const serial = await checkSerial(driver, device);
          if (serial !== device.serial) {
            errors.push(
              `${device.address}: read ${serial}, expected ${device.serial}`,
            );
          }
        } catch (error) {
          errors.push(`${device.address}: ${error.name}: ${error.message}`);
        }
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }),
    ),
  );
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    JSON.stringify({
      kind: clientNoDelay ? 'ZTP+nodelay' : 'ZTP',
      tool: clientNoDelay
        ? 'ZTP with TCP_NODELAY (proposed fix)'
        : 'ZTP (ssh2, openDeviceCli + readSerial)',
      devices: fleet.length,
      wallMs,
      latencies,
      errors: errors.length,
      errorSamples: errors.slice(0, 5),
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      setupCpuSeconds,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
}

function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in defaults) || argv[i + 1] === undefined) {
      fail(`unknown or incomplete option ${argv[i]}`);
    }
    out[key] = argv[i + 1];
  }
  if (!out.fleet) fail('--fleet is required');
  return out;
}

function fail(message) {
  console.error(`ztp-sweep.cjs: ${message}`);
  process.exit(2);
}

main().catch(error => {
  console.error(`ztp-sweep.cjs: ${error.stack ?? error}`);
  process.exit(1);
});
