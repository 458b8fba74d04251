import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';

const CHILD_ENTRY = path.join(__dirname, 'ztpChild.ts');
const TS_LOADER = require.resolve('@backstage/cli/config/nodeTransform.cjs');

/** A ZTP backend running in a child process. */
export type ZtpChild = {
  process: ChildProcess;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<string>;
  /** What the child printed, for failure messages. */
  output(): string;
};

/** Starts ztpChild.ts with the TypeScript loader the backend uses in development. */
export function startZtpChild(
  dir: string,
  port: number,
  door: 'worker' | 'main-thread' = 'worker',
  /** The plugin's database on PostgreSQL (`<prefix>ztp`), not a SQLite file. */
  postgres?: { url: string; prefix: string },
): ZtpChild {
  const child = spawn(
    process.execPath,
    ['-r', TS_LOADER, CHILD_ENTRY, dir, String(port), door],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      // The child is a plain Node process, not a Jest worker.
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        ...(postgres && {
          ZTP_CRASH_POSTGRES_URL: postgres.url,
          ZTP_CRASH_POSTGRES_PREFIX: postgres.prefix,
        }),
      },
    },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    // Keep the tail only: enough to explain a failed start.
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<string>(resolve =>
    child.once('exit', (code, signal) => resolve(signal ?? `exit ${code}`)),
  );
  return { process: child, exited, output: () => output };
}

/** Any HTTP answer from the door at all (the route is irrelevant here). */
function probe(base: string): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.get(
      `${base}/`,
      { agent: false, headers: { connection: 'close' } },
      res => {
        res.resume();
        res.on('end', () => resolve(true));
      },
    );
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

/**
 * Waits until the device door answers, which the plugin opens only after the
 * queue is synced with the catalog and the device index is loaded.
 */
export async function waitForDoor(
  base: string,
  child: ZtpChild,
  timeoutMs: number,
): Promise<void> {
  let exit: string | undefined;
  void child.exited.then(e => (exit = e));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit) {
      throw new Error(
        `The ZTP child exited (${exit}) before its door answered:\n${child.output()}`,
      );
    }
    if (await probe(base)) return;
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(
    `The ZTP child's door did not answer within ${timeoutMs} ms:\n${child.output()}`,
  );
}

/** Stops the child: SIGTERM first (a clean shutdown), SIGKILL if it hangs. */
export async function stopZtpChild(child: ZtpChild): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) {
    return;
  }
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 10_000);
  await child.exited;
  clearTimeout(timer);
}
