/*
 * The backend as production runs it: compiled by `yarn build:backend`,
 * unpacked as Backstage's Dockerfile unpacks it, started with plain node (no
 * TypeScript transform). Every other test runs the sources; the build is
 * where a module nothing imports loses its exports (the password hashing
 * thread's task once did, and the built backend could not make a single
 * device's account), and where a file a package reads at run time goes
 * missing unless its package.json ships it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { freePort } from './__testUtils__/freePort';
import os from 'node:os';
import path from 'node:path';

// The build compiles every package and the frontend: minutes on a small CI.
jest.setTimeout(600_000);

const {
  buildBackendBundle,
  unpackBackendBundle,
  ROOT,
} = require('../scripts/productionBundle.cjs');

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('the production bundle', () => {
  let built: string | undefined;
  let work: string | undefined;
  let backend: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    if (backend?.pid && backend.exitCode === null) {
      const exited = new Promise(r => backend!.once('exit', r));
      process.kill(-backend.pid, 'SIGTERM');
      await Promise.race([exited, sleep(15_000)]);
      if (backend.exitCode === null) process.kill(-backend.pid, 'SIGKILL');
    }
    for (const dir of [built, work]) {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('imports the example fleet, serves a device its bootstrap and the portal its page, built and run with node', async () => {
    built = unpackBackendBundle(buildBackendBundle());
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-production-bundle-'));
    const port = await freePort();
    const doorPort = await freePort();
    const config = path.join(work, 'app-config.test.yaml');
    const examples = path.join(ROOT, 'examples');
    fs.writeFileSync(
      config,
      `app:
  baseUrl: http://127.0.0.1:${port}
backend:
  baseUrl: http://127.0.0.1:${port}
  listen: { host: 127.0.0.1, port: ${port} }
  database:
    client: better-sqlite3
    connection: { directory: ${path.join(work, 'sqlite')} }
catalog:
  locations:
    - { type: file, target: ${path.join(examples, 'fleet/systems.yaml')} }
    - { type: file, target: ${path.join(examples, 'fleet/devices.yaml')} }
    - type: file
      target: ${path.join(examples, 'org.yaml')}
      rules: [{ allow: [User, Group] }]
ztp:
  provisioning: { host: 127.0.0.1, port: ${doorPort}, tftp: { enabled: false } }
  scaffolder:
    localCatalogFile: ${path.join(work, 'declared-devices.yaml')}
`,
    );
    fs.mkdirSync(path.join(work, 'sqlite'));
    backend = spawn(
      process.execPath,
      [
        path.join(built!, 'packages/backend'),
        '--config',
        path.join(ROOT, 'app-config.yaml'),
        '--config',
        config,
      ],
      {
        cwd: path.join(built!, 'packages/backend'),
        env: {
          ...process.env,
          NODE_ENV: 'production',
          ZTP_SECRETS_KEY: crypto.randomBytes(32).toString('base64'),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    backend.stdout!.on('data', c => (output += c));
    backend.stderr!.on('data', c => (output += c));

    // spine-01-par1 (examples/fleet/devices.yaml): its bootstrap is served
    // once the catalog has it and its local account is made.
    const url = `http://127.0.0.1:${doorPort}/ztp/config/by-mac/44:4c:a8:a1:10:11`;
    let status = 0;
    let body = '';
    const deadline = Date.now() + 240_000;
    while (status !== 200 && Date.now() < deadline) {
      if (backend.exitCode !== null || /Could not import/.test(output)) break;
      try {
        const res = await fetch(url);
        status = res.status;
        body = await res.text();
      } catch {
        // the door is not open yet
      }
      if (status !== 200) await sleep(1000);
    }
    if (status !== 200) {
      throw new Error(
        `no bootstrap (last status ${status}); backend output:\n${output.slice(
          -4000,
        )}`,
      );
    }
    expect(body).toContain('spine-01-par1');
    expect(output).not.toMatch(/Could not import/);

    // The app backend serves the frontend the bundle carries.
    const page = await fetch(`http://127.0.0.1:${port}/ztp`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
  });
});
