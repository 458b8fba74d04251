import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { migrateZtpDatabase, ztpStoresOn } from '../../database/ZtpStores';
import type { DeviceRecord } from '../../database/types';
import { ImageCatalog } from '../../images/ImageCatalog';
import { freePort } from '../../__testUtils__/network';
import { DoorWorkerHost, workerDatabaseConfig } from './DoorWorkerHost';

jest.setTimeout(30_000);

const REF = 'resource:default/leaf-07';
const IP = '127.0.21.7';

describe('the door worker serves images', () => {
  let dir: string;
  let db: Knex;
  let host: DoorWorkerHost | undefined;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-door-images-'));
    db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'ztp.sqlite') },
      useNullAsDefault: true,
    });
    await db.raw('PRAGMA journal_mode = WAL');
    await migrateZtpDatabase(db);
  });

  afterEach(async () => {
    await host?.stop();
    host = undefined;
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams a verified image from its thread and records the download in the timeline', async () => {
    const stores = ztpStoresOn(db);
    await stores.devices.insertDevices([
      {
        device: {
          entityRef: REF,
          namespace: 'default',
          name: 'leaf-07',
          platform: 'cisco-nxos',
          managementAddress: `${IP}/24`,
          managementIp: IP,
          sshPort: 22,
          hostname: 'leaf-07',
          declaredSerial: 'FDO22280EJX',
          serialTemporary: false,
          declarationHash: 'h',
          expectedSerial: 'FDO22280EJX',
          localUsername: 'ztp-7',
          localPasswordEnc: 'v1:x:y:z',
          localPasswordHash: '$6$salt$hash',
        },
        event: {
          entityRef: REF,
          type: 'device.added',
          actor: 'system',
          message: 'added',
        },
      },
    ]);
    const image = randomBytes(2 * 1024 * 1024);
    const sha256 = createHash('sha256').update(image).digest('hex');
    fs.writeFileSync(path.join(dir, 'nxos64-cs.10.3.4a.M.bin'), image);
    host = new DoorWorkerHost({
      host: '127.0.0.1',
      port: await freePort(),
      allowedNetworks: [],
      firstCheckDelayMs: 0,
      database: workerDatabaseConfig(db.client.config)!,
      renderer: { render: (d: DeviceRecord) => `hostname ${d.hostname}\n` },
      logger: mockServices.logger.mock(),
      onFetched: () => {},
      imageLimits: { maxConcurrent: 4, maxPerImage: 4, retryAfterSeconds: 5 },
    });
    const catalog = new ImageCatalog({
      directory: dir,
      approved: [
        {
          platform: 'cisco-nxos',
          modelFamily: '',
          version: '10.3(4a)',
          file: 'nxos64-cs.10.3.4a.M.bin',
          size: image.length,
          sha256,
        },
      ],
      logger: mockServices.logger.mock(),
      onChanged: servable => host!.syncImages(servable),
    });
    await catalog.scan();
    host.syncDevices(await stores.devices.listActiveDevices());
    const { port } = await host.start();

    const body = await new Promise<Buffer>((resolve, reject) => {
      http
        .get(
          {
            host: '127.0.0.1',
            port,
            path: '/ztp/images/nxos64-cs.10.3.4a.M.bin',
            localAddress: IP,
          },
          res => {
            expect(res.statusCode).toBe(200);
            expect(res.headers['x-checksum-sha256']).toBe(sha256);
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks)));
          },
        )
        .on('error', reject);
    });
    expect(createHash('sha256').update(body).digest('hex')).toBe(sha256);

    const deadline = Date.now() + 5000;
    let events = await stores.events.listEvents(REF, 10);
    while (!events.some(e => e.type === 'image.downloaded')) {
      if (Date.now() > deadline) throw new Error(JSON.stringify(events));
      await new Promise(r => setTimeout(r, 50));
      events = await stores.events.listEvents(REF, 10);
    }
    const event = events.find(e => e.type === 'image.downloaded')!;
    expect(event.actor).toBe(`device:${IP}`);
    expect(event.message).toMatch(
      /^Downloaded image nxos64-cs\.10\.3\.4a\.M\.bin \(10\.3\(4a\)\): 2\.0 MiB in /,
    );
    expect(event.details).toMatchObject({
      bytes: image.length,
      outcome: 'complete',
      offset: 0,
    });
  });
});
