import { execFile } from 'node:child_process';
import { threadId } from 'node:worker_threads';
import os from 'node:os';
import { promisify } from 'node:util';
import type { ZtpPlatformDriver } from '@ztp-portal/backstage-plugin-ztp-node';
import { builtinPlatformDrivers } from '../../__testUtils__/builtinPlatforms';
import { verifyShaCrypt } from '@ztp-portal/backstage-plugin-ztp-node';
import { opensslPasswd } from '@ztp-portal/backstage-plugin-ztp-node/testUtils';
import type { Worker } from 'node:worker_threads';
import {
  HASH_THREAD_YOUNG_GENERATION_MB,
  PasswordHashPool,
} from './PasswordHashPool';
import { HASH_WORKER_FILE } from './hashWorker';

jest.setTimeout(60_000);

const driver = (id: string) => builtinPlatformDrivers.find(d => d.id === id)!;

describe('PasswordHashPool', () => {
  const pool = new PasswordHashPool({ idleTimeoutMs: 1000 });
  afterAll(() => pool.close());

  it('has a thread per core', () => {
    expect(pool.threads).toBe(os.availableParallelism());
  });

  it("hashes built-in platforms' passwords on its threads, as openssl does", async () => {
    const passwords = Array.from({ length: 8 }, (_, i) => `Pw-${i}-x9!`);
    const before = pool.completed;
    const hashes = await Promise.all(
      passwords.map(p => pool.hash(driver('arista-eos'), p)),
    );
    expect(pool.completed - before).toBe(8);
    hashes.forEach((hash, i) => {
      expect(hash).toMatch(/^\$6\$[./0-9A-Za-z]{16}\$/);
      const salt = hash.split('$')[2];
      expect(hash).toBe(opensslPasswd('-6', salt, passwords[i]));
    });
    const nxos = await pool.hash(driver('cisco-nxos'), 'nx-pass');
    expect(verifyShaCrypt('nx-pass', nxos)).toBe(true);
    expect(await pool.hash(driver('cisco-iosxe'), 'ios-pass')).toMatch(
      /^\$9\$/,
    );
  });

  it('runs its threads with a small young generation', async () => {
    await pool.hash(driver('arista-eos'), 'young-gen');
    const threads = (pool as unknown as { pool: { threads: Worker[] } }).pool
      .threads;
    expect(threads.length).toBeGreaterThan(0);
    for (const thread of threads) {
      expect(thread.resourceLimits?.maxYoungGenerationSizeMb).toBe(
        HASH_THREAD_YOUNG_GENERATION_MB,
      );
    }
  });

  it('loads only the hashing helpers on its threads, not the platform contract', async () => {
    // What a thread's module graph holds, read in a process of its own (the
    // test's modules are loaded already): the package's index pulls in
    // templates and catalog clients, about 16 MiB per thread.
    const script = `
      require(${JSON.stringify(HASH_WORKER_FILE)});
      process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
    const { stdout: loaded } = await promisify(execFile)(
      process.execPath,
      [
        '-r',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        '-e',
        script,
      ],
      { env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 16 << 20 },
    );
    const modules = JSON.parse(loaded) as string[];
    expect(modules.some(m => m.endsWith('helpers/crypt.ts'))).toBe(true);
    expect(
      modules.filter(m =>
        /ztp-node\/src\/index\.ts$|nunjucks|catalog-client/.test(m),
      ),
    ).toEqual([]);
  });

  it("hashes another plugin's platform on the calling thread", async () => {
    const seen: number[] = [];
    const custom = {
      ...driver('arista-eos'),
      id: 'acme-os',
      // A hash of its own: no standard scheme the threads could compute.
      passwordHashScheme: undefined,
      hashPassword: async (password: string) => {
        seen.push(threadId);
        return `acme:${password}`;
      },
    } as ZtpPlatformDriver;
    const before = pool.completed;
    expect(await pool.hash(custom, 'pw')).toBe('acme:pw');
    expect(seen).toEqual([threadId]);
    expect(pool.completed).toBe(before);
  });
});
