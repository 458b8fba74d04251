import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const SERVER_FILE = join(
  dirname(require.resolve('@ztp-portal/ztp-simulator/package.json')),
  'python',
  'script_forkserver.py',
);

/** How a script forked by the server ended, as a spawned process reports it. */
export type ForkedExit = { code: number | null; signal: string | null };

type Waiter = {
  onPid: (pid: number) => void;
  onExit: (exit: ForkedExit) => void;
  onError: (error: Error) => void;
};

/**
 * One python3 that has started up and imported the standard modules device
 * scripts use, and forks a fresh process per script
 * (python/script_forkserver.py): a python3 start-up costs about 100 ms of
 * CPU, and a fleet boot runs hundreds of scripts within seconds.
 */
export class PythonForkServer {
  private child: ChildProcess | undefined;
  private readonly waiters = new Map<number, Waiter>();
  private nextId = 1;

  /**
   * Forks `python3 <file>` with this environment and working directory;
   * its standard streams and cli bridge connect to the Unix socket `io`.
   */
  run(
    request: {
      file: string;
      cwd: string;
      env: Record<string, string>;
      io: string;
    },
    waiter: Waiter,
  ): void {
    const child = this.child ?? this.start();
    const id = this.nextId++;
    this.waiters.set(id, waiter);
    child.stdin!.write(`${JSON.stringify({ id, ...request })}\n`);
  }

  /** Stops the server (forked scripts still running keep running). */
  stop(): void {
    this.child?.kill('SIGTERM');
    this.child = undefined;
  }

  private start(): ChildProcess {
    // The environment a script's own variables are laid over; what python3
    // (or a launcher in front of it) adds to it, the server adds for each.
    const base = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
    };
    const child = spawn('python3', [SERVER_FILE, JSON.stringify(base)], {
      env: base,
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    this.child = child;
    const fail = (error: Error) => {
      if (this.child === child) this.child = undefined;
      const waiters = [...this.waiters.values()];
      this.waiters.clear();
      for (const w of waiters) w.onError(error);
    };
    child.on('error', fail);
    child.on('exit', (code, signal) =>
      fail(new Error(`python3 fork server exited (${signal ?? code})`)),
    );
    child.stdin!.on('error', () => {});
    const lines = createInterface({ input: child.stdout! });
    lines.on('error', () => {});
    lines.on('line', line => {
      const message = JSON.parse(line) as {
        id: number;
        pid?: number;
        code?: number | null;
        signal?: string | null;
      };
      const waiter = this.waiters.get(message.id);
      if (!waiter) return;
      if (message.pid !== undefined) {
        waiter.onPid(message.pid);
        return;
      }
      this.waiters.delete(message.id);
      waiter.onExit({
        code: message.code ?? null,
        signal: message.signal ?? null,
      });
    });
    // An idle server does not keep the simulator (or a test) running.
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    return child;
  }
}

/** The simulator process's one fork server, started on first use. */
export const pythonForkServer = new PythonForkServer();
