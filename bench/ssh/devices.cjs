/*
 * A slice of the benchmark fleet as simulated devices (packages/ztp-simulator):
 * each boots, fetches its configuration from a tiny provisioning stub in this
 * process (the account, hostname and nothing else), then serves its platform
 * CLI over SSH on its own loopback address.
 *
 *   node -r @backstage/cli/config/nodeTransform.cjs devices.cjs \
 *     --fleet fleet.tsv --platform cisco-iosxe --slice 0/2 \
 *     [--ready-file FILE] [--max-seconds 1800] [--hash] [--nagle]
 *
 * --slice K/N   serve the devices whose index % N == K (several processes
 *               share the fleet, so the device side is not one core's worth)
 * --hash        store the password as the platform's real hash (scrypt for
 *               IOS XE) instead of clear text; each login then costs the
 *               device side a hash check (Junos always uses SHA-512 crypt)
 * --nagle       leave Nagle's algorithm on for the devices' connections,
 *               as the simulator itself does (see below)
 *
 * Writes "ready <count> <ms>" to --ready-file (and stdout) once every device
 * listens; stops on SIGTERM/SIGINT or after --max-seconds, so it can never
 * be left behind.
 */
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { utils: sshUtils } = require('ssh2');

const args = parseArgs(process.argv.slice(2), {
  fleet: '',
  platform: 'cisco-iosxe',
  slice: '0/1',
  'ready-file': '',
  'max-seconds': '1800',
  'host-key-sets': '16',
  hash: false,
  nagle: false,
});

// The simulator's SSH server leaves Nagle's algorithm on, so a reply written
// in several pieces waits for the client's delayed ACK (40 ms on Linux) at
// each CLI exchange. OpenSSH's sshd (NX-OS, EOS and Junos run it) sets
// TCP_NODELAY on every session; without it the device side, not the client,
// would set the pace. The simulator creates its listener with net.createServer.
if (!args.nagle) {
  const createServer = net.createServer;
  net.createServer = function createServerWithoutNagle(options, listener) {
    if (typeof options === 'function')
      return createServerWithoutNagle({}, options);
    return createServer.call(net, options, socket => {
      socket.setNoDelay(true);
      listener(socket);
    });
  };
}

const SIMULATOR = path.resolve(__dirname, '../../packages/ztp-simulator/src');
const { SimulatedDevice } = require(`${SIMULATOR}/device/SimulatedDevice`);
const { generateHostKeys } = require(`${SIMULATOR}/device/hostKeys`);
const { shaCrypt } = require(`${SIMULATOR}/crypto/shaCrypt`);
const { hashCiscoType9 } = require(`${SIMULATOR}/crypto/ciscoType9`);

/** The minimal configuration of a device: hostname and its local account. */
async function deviceConfig(platform, d, hashed) {
  switch (platform) {
    case 'cisco-iosxe': {
      const secret = hashed
        ? `9 ${await hashCiscoType9(d.password)}`
        : `0 ${d.password}`;
      return `hostname ${d.hostname}\n!\nusername ${d.username} privilege 15 secret ${secret}\n!\ninterface GigabitEthernet0/0\n ip address ${d.address} 255.255.255.0\n!\nip domain name bench.invalid\ncrypto key generate rsa modulus 2048\nip ssh version 2\n!\nline vty 0 15\n login local\n transport input ssh\n!\nend\n`;
    }
    case 'cisco-nxos': {
      const secret = hashed
        ? `5 ${shaCrypt(d.password, '$5$QmVuY2hTYWx0')}`
        : `0 ${d.password}`;
      return `hostname ${d.hostname}\nfeature ssh\nusername ${d.username} password ${secret}  role network-admin\ninterface mgmt0\n  ip address ${d.address}/24\n`;
    }
    case 'arista-eos': {
      const secret = hashed
        ? `sha512 ${shaCrypt(d.password, '$6$QmVuY2hTYWx0')}`
        : `0 ${d.password}`;
      return `hostname ${d.hostname}\nusername ${d.username} privilege 15 role network-admin secret ${secret}\naaa authorization exec default local\nmanagement ssh\n   no shutdown\ninterface Management1\n   ip address ${d.address}/24\nend\n`;
    }
    case 'juniper-junos':
      return `system {\n    host-name ${
        d.hostname
      };\n    login {\n        user ${
        d.username
      } {\n            class super-user;\n            authentication {\n                encrypted-password "${shaCrypt(
        d.password,
        '$6$QmVuY2hTYWx0',
      )}";\n            }\n        }\n    }\n    services {\n        ssh;\n    }\n}\ninterfaces {\n    em0 {\n        unit 0 {\n            family inet {\n                address ${
        d.address
      }/24;\n            }\n        }\n    }\n}\n`;
    default:
      throw new Error(`unknown platform ${platform}`);
  }
}

/**
 * Host keys that ssh2 can read back. About one Ed25519 key in 200 from
 * ssh2's generateKeyPair is malformed (a leading zero byte of the key is
 * dropped), and the device process would crash on its first connection.
 */
async function parsableHostKeys() {
  for (;;) {
    const keys = await generateHostKeys();
    if (
      !(sshUtils.parseKey(keys.rsa) instanceof Error) &&
      !(sshUtils.parseKey(keys.ed25519) instanceof Error)
    ) {
      return keys;
    }
  }
}

async function main() {
  const [k, n] = args.slice.split('/').map(Number);
  const fleet = fs
    .readFileSync(args.fleet, 'utf8')
    .trim()
    .split('\n')
    .map(line => {
      const [index, address, port, username, password, serial, hostname] =
        line.split('\t');
      return {
        index: Number(index),
        address,
        port: Number(port),
        username,
        password,
        serial,
        hostname,
      };
    })
    .filter(d => d.index % n === k);

  const started = Date.now();
  const configs = new Map();
  for (const d of fleet) {
    configs.set(d.address, await deviceConfig(args.platform, d, args.hash));
  }

  // The provisioning stub answers each device (known by the address its
  // agent connects from) with what its platform's agent needs: IOS XE a
  // Guest Shell script, NX-OS a POAP script that fetches /conf, the
  // configuration itself otherwise.
  const bootFile = config => {
    if (args.platform === 'cisco-iosxe') {
      return `import cli\ncli.configure(${JSON.stringify(
        config,
      )})\ncli.execute("write memory")\n`;
    }
    if (args.platform === 'cisco-nxos') {
      const body = `#!/bin/env python3\nfrom cli import cli\ncli("copy ${provisioningUrl}/conf bootflash:conf vrf management")\ncli("copy bootflash:conf scheduled-config")\n`;
      const [first, ...rest] = body.split('\n');
      const md5 = crypto.createHash('md5').update(body).digest('hex');
      return [first, `#md5sum="${md5}"`, ...rest].join('\n');
    }
    return config;
  };
  let provisioningUrl = '';
  const stub = http.createServer((req, res) => {
    const config = configs.get(req.socket.remoteAddress ?? '');
    res.writeHead(config ? 200 : 404, { 'Content-Type': 'text/plain' });
    if (!config) res.end('unknown device');
    else res.end(req.url === '/conf' ? config : bootFile(config));
  });
  await new Promise(resolve => stub.listen(0, '127.0.0.1', resolve));
  provisioningUrl = `http://127.0.0.1:${stub.address().port}`;

  // RSA-2048 key generation for hundreds of devices would take most of a
  // minute; a few key sets shared round-robin cost the client the same.
  const keySets = await Promise.all(
    Array.from(
      { length: Math.min(Number(args['host-key-sets']), fleet.length) },
      () => parsableHostKeys(),
    ),
  );

  const devices = fleet.map((d, i) => {
    const device = new SimulatedDevice({
      name: d.hostname,
      hostname: d.hostname,
      platform: args.platform,
      managementIp: d.address,
      sshPort: d.port,
      realSerial: d.serial,
      provisioningUrl,
      fetchRetryMs: 200,
      fetchRetryMaxMs: 1000,
      rebootMs: 100,
    });
    // No option sets host keys: the device keeps them in `hostKeys` and
    // generates a set at boot only when it has none.
    device.hostKeys = keySets[i % keySets.length];
    device.on('config-rejected', errors => {
      console.error(`${d.hostname}: configuration rejected: ${errors}`);
    });
    return device;
  });

  const stop = async code => {
    await Promise.allSettled(devices.map(d => d.powerOff()));
    stub.close();
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => {
      console.error(`devices.cjs: stopping on ${signal}`);
      void stop(0);
    });
  }
  setTimeout(() => {
    console.error(`devices.cjs: stopping after ${args['max-seconds']} s`);
    void stop(1);
  }, Number(args['max-seconds']) * 1000).unref();
  // Keeps the process alive while devices idle (the timer above is unref'd).
  setInterval(() => undefined, 60_000);

  // Boot in batches so the agents do not all hit the stub in one tick.
  for (let i = 0; i < devices.length; i += 50) {
    const batch = devices.slice(i, i + 50);
    await Promise.all(batch.map(d => d.powerOn()));
    await Promise.all(batch.map(d => d.whenConfigured(60_000)));
  }
  const line = `ready ${devices.length} ${Date.now() - started}`;
  console.log(line);
  if (args['ready-file']) fs.writeFileSync(args['ready-file'], `${line}\n`);
}

function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in defaults)) fail(`unknown option ${argv[i]}`);
    if (typeof defaults[key] === 'boolean') {
      out[key] = true;
    } else {
      if (argv[i + 1] === undefined) fail(`${argv[i]} needs a value`);
      out[key] = argv[++i];
    }
  }
  if (!out.fleet) fail('--fleet is required');
  return out;
}

function fail(message) {
  console.error(`devices.cjs: ${message}`);
  process.exit(2);
}

main().catch(error => {
  console.error(`devices.cjs: ${error.stack ?? error}`);
  process.exit(1);
});
