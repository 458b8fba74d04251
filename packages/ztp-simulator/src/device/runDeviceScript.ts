import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * Where the simulator's own Python modules (cli, bridge) live: beside its
 * package.json, in the sources and in a built package alike.
 */
const PYTHON_DIR = join(
  dirname(require.resolve('@ztp-portal/ztp-simulator/package.json')),
  'python',
);

/** The Python environment a platform runs device scripts in. */
export type ScriptEnvironment = 'guestshell' | 'nxos';

/** A request of the script's `cli` module (see python/bridge.py). */
export type ScriptRequest =
  | { op: 'exec'; commands: string[] }
  | { op: 'configure'; lines: string[] };

export type ScriptResult = {
  exitCode: number | null;
  /** What the script printed (stdout and stderr interleaved). */
  output: string;
};

/**
 * Runs a script the device downloaded with the machine's real python3, as
 * Guest Shell or POAP would, with the simulator's `cli` module on its path:
 * each call of it is handed to `answer`, which runs it on the device's own
 * CLI. Stops the script after `timeoutMs`.
 */
export async function runDeviceScript(options: {
  script: string;
  environment: ScriptEnvironment;
  answer: (request: ScriptRequest) => Promise<Record<string, unknown>>;
  timeoutMs?: number;
  signal?: AbortSignal;
}): Promise<ScriptResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ztp-sim-script-'));
  const file = join(dir, 'script.py');
  await writeFile(file, options.script);
  try {
    return await new Promise<ScriptResult>((done, fail) => {
      const child = spawn('python3', [file], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          PYTHONPATH: join(PYTHON_DIR, options.environment),
          PYTHONDONTWRITEBYTECODE: '1',
          PYTHONUNBUFFERED: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout!.on('data', chunk => (output += chunk));
      child.stderr!.on('data', chunk => (output += chunk));
      const requests = child.stdio[3] as Readable;
      const answers = child.stdio[4] as Writable;
      answers.on('error', () => {});
      const lines = createInterface({ input: requests });
      let queue = Promise.resolve();
      lines.on('line', line => {
        queue = queue.then(async () => {
          let reply: Record<string, unknown>;
          try {
            reply = await options.answer(JSON.parse(line) as ScriptRequest);
          } catch (error) {
            reply = { output: `% ${(error as Error).message}\n`, failed: true };
          }
          if (answers.writable) answers.write(`${JSON.stringify(reply)}\n`);
        });
      });
      const timer = setTimeout(
        () => child.kill('SIGKILL'),
        options.timeoutMs ?? 120_000,
      );
      const onAbort = () => child.kill('SIGKILL');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.on('error', error => {
        clearTimeout(timer);
        fail(error);
      });
      child.on('close', code => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        done({ exitCode: code, output });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
