import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { ztpPlugin } from '../plugin';
import { liveCatalogMock } from '../__testUtils__/catalog';
import { deviceEntity } from '../__testUtils__/fleet';
import { freePort, httpGet } from '../__testUtils__/network';
import { builtinPlatformFeatures } from '../__testUtils__/builtinPlatforms';

jest.setTimeout(30_000);

const leaf = deviceEntity('leaf-late', {
  'ztp.network/serial-number': 'SSJ17371299',
  'ztp.network/platform': 'arista-eos',
  'ztp.network/management-address': '127.0.10.29/24',
  'ztp.network/mac-address': '52:54:00:0a:00:29',
  'ztp.network/hostname': 'leaf-late',
});

describe('the device door and the first queue load', () => {
  it('stays closed until the catalog sync has loaded the devices, so none is taken for unknown', async () => {
    const port = await freePort();
    // The catalog is still reading its locations for the first syncs.
    let catalogReady = false;
    const catalog = liveCatalogMock(() => (catalogReady ? [leaf] : []));
    const backend = await startTestBackend({
      features: [
        ztpPlugin,
        ...builtinPlatformFeatures,
        catalog.factory,
        mockServices.rootConfig.factory({
          data: {
            ztp: {
              secrets: { key: 'test-key-0123456789abcdef' },
              provisioning: { port, worker: false, tftp: { enabled: false } },
              serialCheck: { retryInitialDelayMs: 60_000 },
            },
          },
        }),
      ],
    });
    const door = `http://127.0.0.1:${port}/ztp/config/by-mac/52:54:00:0a:00:29`;
    try {
      // The backend is up, the door is not: a booting device retries.
      await expect(httpGet(door)).rejects.toThrow(/ECONNREFUSED/);

      catalogReady = true;
      let answer: { status: number; body: string } | undefined;
      for (let i = 0; i < 100 && !answer; i++) {
        answer = await httpGet(door).catch(() => undefined);
        if (!answer) await new Promise(r => setTimeout(r, 100));
      }
      // Its first answer already knows the device.
      expect(answer?.status).toBe(200);
      expect(answer?.body).toMatch(/hostname leaf-late/);

      const unknown = await request(backend.server)
        .get('/api/ztp/unknown-devices')
        .set({
          Authorization: mockCredentials.user.header('user:default/operator'),
        });
      expect(unknown.status).toBe(200);
      expect(unknown.body.items).toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});
