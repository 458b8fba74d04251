import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ztpPlugin } from '../plugin';
import { deviceEntity } from '../__testUtils__/fleet';
import { freePort } from '../__testUtils__/network';
import { builtinPlatformFeatures } from '../__testUtils__/builtinPlatforms';

jest.setTimeout(60_000);

/** The ZTP plugin on a SQLite file in `dir` that outlives the backend. */
async function startZtp(dir: string, key?: string) {
  return startTestBackend({
    features: [
      ztpPlugin,
      ...builtinPlatformFeatures,
      catalogServiceMock.factory({
        entities: [
          deviceEntity('leaf-1', {
            'ztp.network/serial-number': 'SSJ17371234',
            'ztp.network/platform': 'arista-eos',
            'ztp.network/management-address': '127.0.10.13/24',
            'ztp.network/mac-address': '52:54:00:0a:00:13',
          }),
        ],
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            database: {
              client: 'better-sqlite3',
              connection: { directory: dir },
            },
          },
          ztp: {
            ...(key && { secrets: { key } }),
            provisioning: {
              host: '127.0.0.1',
              port: await freePort(),
              tftp: { enabled: false },
            },
          },
        },
      }),
    ],
  });
}

describe('the ZTP plugin at startup', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-key-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fails to start without ztp.secrets.key', async () => {
    await expect(startZtp(dir)).rejects.toThrow(
      /ztp\.secrets\.key must be set/,
    );
  });

  it('starts again with its key, and refuses to start with another, naming ztp.secrets.key and the way out', async () => {
    const first = await startZtp(dir, 'the-first-key-0123456789');
    await first.stop();
    const again = await startZtp(dir, 'the-first-key-0123456789');
    await again.stop();
    const wrong = startZtp(dir, 'another-key-0123456789ab');
    await expect(wrong).rejects.toThrow(
      /ztp\.secrets\.key is not the key this database's device passwords were encrypted with/,
    );
    await expect(wrong).rejects.toThrow(/rotate-secrets-key/);
  });
});
