import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import knexFactory from 'knex';
import { openZtpStores } from './ZtpStores';
import { testDevice } from '../__testUtils__/doorOnDatabase';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('the SQLite database file', () => {
  it('is created readable by the backend user only, in a directory only it can open', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-mode-'));
    const directory = path.join(root, 'sqlite');
    fs.mkdirSync(directory, { mode: 0o755 });
    const filename = path.join(directory, 'backstage_plugin_ztp.sqlite');
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
    });
    const previousUmask = process.umask(0o022);
    try {
      const { stores } = await openZtpStores({
        database: { getClient: async () => knex } as unknown as DatabaseService,
      });
      await stores.devices.insertDevices([
        {
          device: testDevice(1),
          event: {
            entityRef: testDevice(1).entityRef,
            type: 'device.added',
            actor: 'system',
            message: 'added',
          },
        },
      ]);
      expect(
        await stores.devices.getDevice(testDevice(1).entityRef),
      ).toBeDefined();
      expect(mode(directory).toString(8)).toBe('700');
      for (const file of [filename, `${filename}-wal`, `${filename}-shm`]) {
        expect([path.basename(file), mode(file).toString(8)]).toEqual([
          path.basename(file),
          '600',
        ]);
      }
    } finally {
      process.umask(previousUmask);
      await knex.destroy();
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
