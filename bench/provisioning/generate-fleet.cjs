#!/usr/bin/env node
/*
 * Writes a catalog of N network devices for the provisioning benchmark:
 *   <out>/catalog.yaml  Resource entities (spec.type network-device), the four
 *                       built-in platforms in turn, unique MACs, management
 *                       addresses on 127.100.0.0/16 (prefix /8)
 *   <out>/paths.txt     the device-door path of every device, one per line
 *
 * usage: generate-fleet.cjs <out-dir> [count]
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const PLATFORMS = ['cisco-iosxe', 'cisco-nxos', 'arista-eos', 'juniper-junos'];

const [outDir, countArg] = process.argv.slice(2);
if (!outDir) {
  console.error('usage: generate-fleet.cjs <out-dir> [count]');
  process.exit(2);
}
const count = Number(countArg ?? 10000);
if (!Number.isInteger(count) || count < 1 || count > 65000) {
  console.error('count must be an integer between 1 and 65000');
  process.exit(2);
}

const hex = n => n.toString(16).padStart(2, '0');
const docs = [];
const paths = [];
for (let i = 0; i < count; i++) {
  // The name is the hostname, and the benchmark's Lua script finds it in
  // each served configuration to know which device got a 200.
  const name = `bench-${String(i).padStart(5, '0')}`;
  const mac = `52:54:00:${hex((i >> 16) & 0xff)}:${hex((i >> 8) & 0xff)}:${hex(
    i & 0xff,
  )}`;
  const address = `127.100.${(i >> 8) & 0xff}.${i & 0xff}/8`;
  docs.push(
    [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Resource',
      'metadata:',
      `  name: ${name}`,
      '  namespace: default',
      '  annotations:',
      `    ztp.network/serial-number: BN${String(i).padStart(8, '0')}`,
      `    ztp.network/platform: ${PLATFORMS[i % PLATFORMS.length]}`,
      `    ztp.network/management-address: ${address}`,
      '    ztp.network/default-gateway: 127.0.0.254',
      `    ztp.network/mac-address: '${mac}'`,
      `    ztp.network/hostname: ${name}`,
      // Nothing listens on port 1: the serial checks that fetches trigger
      // fail fast, as for devices whose SSH is not up yet.
      "    ztp.network/ssh-port: '1'",
      `    ztp.network/site: site-${String(i % 20).padStart(2, '0')}`,
      `    ztp.network/role: ${i % 10 === 0 ? 'spine' : 'leaf'}`,
      'spec:',
      '  type: network-device',
      '  owner: group:default/network-operators',
    ].join('\n'),
  );
  paths.push(`/ztp/config/by-mac/${mac}`);
}

fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(
  path.join(outDir, 'catalog.yaml'),
  `${docs.join('\n---\n')}\n`,
);
fs.writeFileSync(path.join(outDir, 'paths.txt'), `${paths.join('\n')}\n`);
console.log(`${count} devices written to ${path.join(outDir, 'catalog.yaml')}`);
