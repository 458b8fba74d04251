/*
 * Renders every device's minimal configuration with the plugin's own
 * renderer from the rows of the ZTP store, and writes it under <root> at the
 * device door's path, for nginx to serve the very same bytes. Rendering here
 * keeps the nginx side independent of how fast the door is; a sample is
 * fetched from the door to prove the bytes are the same.
 *
 * Run with Backstage's TypeScript loader:
 *   render-all.cjs <ztp.sqlite or postgresql:// URL> <root> <door-base-url> [sample-size]
 */
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { openStoreDb } = require('./storeDb.cjs');
const src = '../../plugins/ztp-backend/src';
const { DatabaseDeviceStore } = require(`${src}/database/DeviceStore`);
// Each platform is a module of its own, with its driver.
const platformDrivers = [
  require('@ztp-portal/backstage-plugin-ztp-backend-module-cisco-iosxe')
    .ciscoIosXeDriver,
  require('@ztp-portal/backstage-plugin-ztp-backend-module-cisco-nxos')
    .ciscoNxosDriver,
  require('@ztp-portal/backstage-plugin-ztp-backend-module-arista-eos')
    .aristaEosDriver,
  require('@ztp-portal/backstage-plugin-ztp-backend-module-juniper-junos')
    .juniperJunosDriver,
];
const { PlatformRegistry } = require(`${src}/platforms/PlatformRegistry`);
const {
  MinimalConfigRenderer,
} = require(`${src}/platforms/MinimalConfigRenderer`);

function get(url) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      url,
      { agent: false, headers: { connection: 'close' } },
      res => {
        const chunks = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error('timed out')));
  });
}

async function main() {
  const [file, root, door, sampleArg] = process.argv.slice(2);
  if (!file || !root || !door) {
    console.error(
      'usage: render-all.cjs <ztp.sqlite> <root> <door-base-url> [sample-size]',
    );
    process.exit(2);
  }
  const db = openStoreDb(file, { readonly: true });
  const store = new DatabaseDeviceStore(db);
  const renderer = new MinimalConfigRenderer(
    new PlatformRegistry(platformDrivers),
  );
  const devices = await store.listActiveDevices();
  await db.destroy();

  let bytes = 0;
  const written = [];
  for (const device of devices) {
    if (!device.macAddress) continue;
    const urlPath = `/ztp/config/by-mac/${device.macAddress}`;
    const body = Buffer.from(renderer.render(device), 'utf8');
    const target = path.join(root, urlPath);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, body);
    bytes += body.length;
    written.push({ urlPath, body });
  }

  // The door must serve exactly these bytes (fetching marks those Loaded).
  const sample = Math.min(Number(sampleArg ?? 20), written.length);
  for (let i = 0; i < sample; i++) {
    const { urlPath, body } =
      written[Math.floor(Math.random() * written.length)];
    const served = await get(`${door}${urlPath}`);
    if (served.status !== 200 || !served.body.equals(body)) {
      throw new Error(
        `${urlPath}: the door served HTTP ${served.status} with other bytes than the renderer`,
      );
    }
  }
  console.log(
    `${
      written.length
    } configurations written under ${root} (average ${Math.round(
      bytes / Math.max(written.length, 1),
    )} bytes); ${sample} compared with the door: identical`,
  );
}

main().catch(error => {
  console.error(`render-all: ${error.message}`);
  process.exit(1);
});
