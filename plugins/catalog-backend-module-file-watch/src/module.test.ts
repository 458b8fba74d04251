import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { catalogModuleFileWatch } from './module';

function device(description: string) {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Resource',
    'metadata:',
    '  name: leaf-01',
    `  description: ${description}`,
    'spec:',
    '  type: network-device',
    '  owner: group:default/network',
    '',
  ].join('\n');
}

describe('catalogModuleFileWatch', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'catalog-watch-module-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('shows a hand edit of a catalog file within seconds, with a processing interval of 30 minutes', async () => {
    const file = path.join(dir, 'devices.yaml');
    await fs.writeFile(file, device('first'));
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleFileWatch,
        mockServices.rootConfig.factory({
          data: {
            catalog: {
              processingInterval: { minutes: 30 },
              rules: [{ allow: ['Resource', 'Location'] }],
              locations: [{ type: 'file', target: file }],
            },
          },
        }),
      ],
    });
    const description = async () => {
      const res = await request(backend.server)
        .get('/api/catalog/entities/by-name/resource/default/leaf-01')
        .set('Authorization', mockCredentials.user.header());
      return res.status === 200 ? res.body.metadata.description : undefined;
    };
    const becomes = async (expected: string, withinMs: number) => {
      const deadline = Date.now() + withinMs;
      while ((await description()) !== expected) {
        if (Date.now() > deadline) {
          throw new Error(
            `still ${await description()} after ${withinMs} ms, not ${expected}`,
          );
        }
        await new Promise(r => setTimeout(r, 200));
      }
    };
    try {
      await becomes('first', 20_000);
      const editedAt = Date.now();
      await fs.writeFile(file, device('second'));
      await becomes('second', 15_000);
      // The edit, not the interval, brought it.
      expect(Date.now() - editedAt).toBeLessThan(15_000);
    } finally {
      await backend.stop();
    }
  }, 60_000);
});
