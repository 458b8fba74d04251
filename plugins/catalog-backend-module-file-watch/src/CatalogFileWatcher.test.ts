import { mockServices } from '@backstage/backend-test-utils';
import { locationSpecToMetadataName } from '@backstage/plugin-catalog-node';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CatalogFileWatcher } from './CatalogFileWatcher';

async function waitFor<T>(what: string, probe: () => T | undefined) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

describe('CatalogFileWatcher', () => {
  let dir: string;
  let watcher: CatalogFileWatcher | undefined;
  const refreshed: string[] = [];
  const queries: unknown[] = [];
  const catalog = {
    async getEntityFacets() {
      return {
        facets: {
          'metadata.annotations.backstage.io/managed-by-location': [
            { value: `file:${path.join(dir, 'nested.yaml')}`, count: 2 },
            { value: 'url:https://example.com/catalog-info.yaml', count: 1 },
          ],
        },
      };
    },
    async queryEntities(request: unknown) {
      queries.push(request);
      return {
        items: [
          { kind: 'Resource', metadata: { namespace: 'default', name: 'b' } },
        ],
        totalItems: 1,
        pageInfo: {},
      };
    },
    async refreshEntity(ref: string) {
      refreshed.push(ref);
    },
  } as any;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'catalog-watch-'));
    refreshed.length = 0;
    queries.length = 0;
    for (const f of ['devices.yaml', 'nested.yaml', 'other.yaml']) {
      await fs.writeFile(path.join(dir, f), 'kind: Resource\n');
    }
  });

  afterEach(async () => {
    await watcher?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  async function started() {
    watcher = new CatalogFileWatcher({
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      configFiles: [path.join(dir, 'devices.yaml')],
      settleMs: 200,
    });
    // chokidar reports changes once its watch is set up.
    await new Promise(r => setTimeout(r, 300));
    return watcher;
  }

  it('asks the catalog to read a configured file again, once per burst of writes, through its Location entity', async () => {
    await started();
    const file = path.join(dir, 'devices.yaml');
    for (let i = 0; i < 5; i++) {
      await fs.appendFile(file, `# edit ${i}\n`);
      await new Promise(r => setTimeout(r, 20));
    }
    const location = `location:default/${locationSpecToMetadataName({
      type: 'file',
      target: file,
    })}`;
    await waitFor('the refresh', () => (refreshed.length ? true : undefined));
    await new Promise(r => setTimeout(r, 500));
    expect(refreshed).toEqual([location]);
  });

  it('follows a file replaced by an editor (written elsewhere, renamed over it)', async () => {
    await started();
    const file = path.join(dir, 'devices.yaml');
    const temp = path.join(dir, '.devices.yaml.swp');
    await fs.writeFile(temp, 'kind: Resource\nmetadata: {name: x}\n');
    await fs.rename(temp, file);
    await waitFor('the refresh', () => (refreshed.length ? true : undefined));
    expect(refreshed[0]).toMatch(/^location:default\/generated-/);
  });

  it('watches the files entities were read from once discovered, and refreshes one of their entities', async () => {
    const w = await started();
    const nested = path.join(dir, 'nested.yaml');
    expect(w.isWatched(nested)).toBe(false);
    await w.discover();
    expect(w.isWatched(nested)).toBe(true);
    await new Promise(r => setTimeout(r, 300));
    await fs.appendFile(nested, '# edit\n');
    await waitFor('the refresh', () => (refreshed.length ? true : undefined));
    expect(refreshed).toEqual(['resource:default/b']);
    expect(queries).toEqual([
      expect.objectContaining({
        filter: {
          'metadata.annotations.backstage.io/managed-by-location': `file:${nested}`,
        },
        limit: 1,
      }),
    ]);
  });

  it('leaves files the catalog does not read alone', async () => {
    await started();
    await fs.appendFile(path.join(dir, 'other.yaml'), '# edit\n');
    await new Promise(r => setTimeout(r, 800));
    expect(refreshed).toEqual([]);
  });
});
