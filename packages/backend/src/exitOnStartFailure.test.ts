import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from './__testUtils__/freePort';
import os from 'node:os';
import path from 'node:path';
import { exitOnStartFailure } from './exitOnStartFailure';

jest.setTimeout(60_000);

const CHILD = path.join(__dirname, '__testUtils__', 'startZtpBackend.ts');
const TS_LOADER = require.resolve('@backstage/cli/config/nodeTransform.cjs');

/** Runs the child until it exits, or kills it after timeoutMs (a live process). */
function runChild(configFile: string, timeoutMs: number) {
  const child = spawn(process.execPath, ['-r', TS_LOADER, CHILD, configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Not "test": the backend installs its production rejection handlers.
    env: { ...process.env, NODE_ENV: 'development' },
  });
  let output = '';
  child.stdout.on('data', c => (output += c));
  child.stderr.on('data', c => (output += c));
  return new Promise<{ code: number | null; alive: boolean; output: string }>(
    resolve => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve({ code: null, alive: true, output });
      }, timeoutMs);
      child.once('exit', code => {
        clearTimeout(timer);
        resolve({ code, alive: false, output });
      });
    },
  );
}

describe('exitOnStartFailure', () => {
  it('exits 1 when the start fails, and not when it succeeds', async () => {
    const exit = jest.fn();
    const stderr = jest
      .spyOn(process.stderr, 'write')
      .mockImplementation(() => true);
    await exitOnStartFailure(() => Promise.reject(new Error('boom')), exit);
    expect(exit).toHaveBeenCalledWith(1);
    expect(String(stderr.mock.calls[0][0])).toMatch(/could not start.*boom/);
    exit.mockClear();
    await exitOnStartFailure(() => Promise.resolve(), exit);
    expect(exit).not.toHaveBeenCalled();
    stderr.mockRestore();
  });

  it('ends a backend process whose ZTP plugin has no ztp.secrets.key, saying so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-nokey-'));
    try {
      const configFile = path.join(dir, 'config.json');
      fs.writeFileSync(
        configFile,
        JSON.stringify({
          ztp: {
            provisioning: {
              host: '127.0.0.1',
              port: await freePort(),
              tftp: { enabled: false },
            },
          },
        }),
      );
      const result = await runChild(configFile, 45_000);
      expect(result).toMatchObject({ alive: false, code: 1 });
      expect(result.output).toMatch(/ztp\.secrets\.key must be set/);
      expect(result.output).not.toMatch(/^started$/m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
