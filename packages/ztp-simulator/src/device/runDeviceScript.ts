import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import {
  type ForkedExit,
  PythonForkServer,
  pythonForkServer,
} from './pythonForkServer';
import { deviceScriptSlots, type ScriptSlots } from './scriptSlots';

/**
 * Where the simulator's own Python modules (cli, bridge) live: beside its
 * package.json, in the sources and in a built package alike.
 */
const PYTHON_DIR = join(
  dirname(require.resolve('@ztp-portal/ztp-simulator/package.json')),
  'python',
);

/**
 * The Python environment a platform runs device scripts in; eos and junos
 * scripts run programs (FastCli, python/eos/bin; cli, python/junos/bin)
 * rather than import a module.
 */
export type ScriptEnvironment = 'guestshell' | 'nxos' | 'eos' | 'junos';

/** Environments whose scripts reach the device through programs. */
const PROGRAM_ENVIRONMENTS: ScriptEnvironment[] = ['eos', 'junos'];

/**
 * A request of the script's `cli` module (see python/bridge.py), or of
 * EOS's FastCli: lines run in one CLI session, at privilege 15 or not.
 */
export type ScriptRequest =
  | { op: 'exec'; commands: string[] }
  | { op: 'configure'; lines: string[] }
  | { op: 'fastcli'; lines: string[]; privileged: boolean }
  | { op: 'junoscli'; lines: string[]; cwd: string };

export type ScriptResult = {
  exitCode: number | null;
  /** What the script printed (stdout and stderr interleaved). */
  output: string;
};

/**
 * The program a script runs with. Guest Shell, POAP and ZeroTouch run
 * Python; Junos ZTP runs the interpreter the "#!" line names, of which the
 * simulated box has the shell and Python 3 (a SLAX script, whose
 * interpreter is the Junos CLI itself, is not simulated: it fails to run).
 */
function interpreterOf(
  script: string,
  environment: ScriptEnvironment,
): string | undefined {
  if (environment !== 'junos') return 'python3';
  const first = /^#![ \t]*(\S+)(?:[ \t]+(\S+))?/.exec(script);
  const program = first?.[1] === '/usr/bin/env' ? first[2] : first?.[1];
  if (program === '/bin/sh' || program === 'sh') return '/bin/sh';
  if (/(?:^|\/)python3(?:\.\d+)?$/.test(program ?? '')) return 'python3';
  return undefined;
}

/**
 * Runs a script the device downloaded with the machine's real python3 (or
 * /bin/sh, where Junos runs a shell script), as Guest Shell, POAP,
 * ZeroTouch or Junos ZTP would, with the simulator's `cli` module or
 * programs on its path: each call of them is handed to `answer`, which
 * runs it on the device's own CLI. Stops the script after `timeoutMs`.
 */
export async function runDeviceScript(options: {
  script: string;
  environment: ScriptEnvironment;
  answer: (request: ScriptRequest) => Promise<Record<string, unknown>>;
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Where python3 scripts are forked from: the simulator's one fork
   * server by default; null spawns python3 for each script.
   */
  forkServer?: PythonForkServer | null;
  /** Limits scripts running at once (the simulator's shared slots by default). */
  slots?: ScriptSlots;
}): Promise<ScriptResult> {
  const interpreter = interpreterOf(options.script, options.environment);
  if (!interpreter) {
    const line = options.script.split('\n', 1)[0];
    return {
      exitCode: 126,
      output: `${line.slice(2).trim()}: interpreter not available\n`,
    };
  }
  const release = await (options.slots ?? deviceScriptSlots).acquire(
    options.signal,
  );
  // Powered off before its turn: the script never started.
  if (!release) return { exitCode: null, output: '' };
  try {
    return await runInSlot(options, interpreter);
  } finally {
    release();
  }
}

async function runInSlot(
  options: Parameters<typeof runDeviceScript>[0],
  interpreter: string,
): Promise<ScriptResult> {
  const dir = await mkdtemp(join(tmpdir(), 'ztp-sim-script-'));
  const file = join(dir, 'script.py');
  await writeFile(file, options.script);
  const answerLine = async (line: string): Promise<string> => {
    let reply: Record<string, unknown>;
    try {
      reply = await options.answer(JSON.parse(line) as ScriptRequest);
    } catch (error) {
      reply = { output: `% ${(error as Error).message}\n`, failed: true };
    }
    return `${JSON.stringify(reply)}\n`;
  };
  // Programs the script starts (EOS's FastCli) do not inherit its pipes
  // (Python closes them), so they reach the device on a socket instead.
  const socket = join(dir, 'device.sock');
  const server = PROGRAM_ENVIRONMENTS.includes(options.environment)
    ? await serveSocket(socket, answerLine)
    : undefined;
  const path = process.env.PATH ?? '/usr/bin:/bin';
  const env: Record<string, string> = {
    PATH: server
      ? `${join(PYTHON_DIR, options.environment, 'bin')}:${path}`
      : path,
    ...(server ? { ZTP_SIM_DEVICE_SOCKET: socket } : {}),
    PYTHONPATH: join(PYTHON_DIR, options.environment),
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
  };
  try {
    const start =
      interpreter === 'python3' && options.forkServer !== null
        ? forkedProcess(options.forkServer ?? pythonForkServer, dir, file, env)
        : spawnedProcess(interpreter, dir, file, env);
    return await new Promise<ScriptResult>((done, fail) => {
      let output = '';
      let settled = false;
      const timeout: { timer?: NodeJS.Timeout } = {};
      let onAbort = () => {};
      const settle = () => {
        if (settled) return false;
        settled = true;
        clearTimeout(timeout.timer);
        options.signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const child = start({
        stdout: chunk => (output += chunk),
        stderr: chunk => (output += chunk),
        request: line => answerLine(line),
        closed: exitCode => {
          if (settle()) done({ exitCode, output });
        },
        failed: error => {
          if (settle()) fail(error);
        },
      });
      timeout.timer = setTimeout(
        () => child.kill(),
        options.timeoutMs ?? 120_000,
      );
      onAbort = () => child.kill();
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  } finally {
    server?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** What a started script tells its runner. */
type ScriptStreams = {
  stdout: (chunk: string) => void;
  stderr: (chunk: string) => void;
  /** One request line of the cli bridge (descriptor 3); resolves the answer. */
  request: (line: string) => Promise<string>;
  /** The process exited and its streams closed (null: killed by a signal). */
  closed: (exitCode: number | null) => void;
  failed: (error: Error) => void;
};

type StartScript = (streams: ScriptStreams) => { kill(): void };

/** Answers the bridge's request lines in order on `answers`. */
function bridge(
  requests: Readable,
  answers: Writable,
  request: (line: string) => Promise<string>,
): void {
  answers.on('error', () => {});
  let queue = Promise.resolve();
  // The socket's errors (a script gone mid-answer) surface here too.
  const lines = createInterface({ input: requests });
  lines.on('error', () => {});
  lines.on('line', line => {
    queue = queue.then(async () => {
      const reply = await request(line);
      if (answers.writable) answers.write(reply);
    });
  });
}

/** The interpreter started as its own program (Junos's /bin/sh). */
function spawnedProcess(
  interpreter: string,
  cwd: string,
  file: string,
  env: Record<string, string>,
): StartScript {
  return streams => {
    const child = spawn(interpreter, [file], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'pipe'],
    });
    child.stdout!.setEncoding('utf8').on('data', streams.stdout);
    child.stderr!.setEncoding('utf8').on('data', streams.stderr);
    bridge(
      child.stdio[3] as Readable,
      child.stdio[4] as Writable,
      streams.request,
    );
    child.on('error', streams.failed);
    child.on('close', code => streams.closed(code));
    return { kill: () => child.kill('SIGKILL') };
  };
}

/**
 * python3 forked by the fork server: its stdout, stderr and bridge arrive
 * as three connections on a Unix socket in the script's directory, each
 * naming itself with its first byte; the script starts once all three are
 * held. It has closed when it has exited and every stream has ended, as a
 * spawned process's "close".
 */
function forkedProcess(
  forkServer: PythonForkServer,
  cwd: string,
  file: string,
  env: Record<string, string>,
): StartScript {
  return streams => {
    const io = join(cwd, 'io.sock');
    const open = new Set<Socket>();
    const held: Record<string, Socket> = {};
    let pid: number | undefined;
    let killed = false;
    let exit: ForkedExit | undefined;
    const killNow = () => {
      try {
        process.kill(pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    let closed = false;
    const listener = createServer();
    const settle = () => {
      if (exit && open.size === 0 && !closed) {
        closed = true;
        listener.close();
        streams.closed(exit.signal ? null : exit.code);
      }
    };
    listener.on('connection', (connection: Socket) => {
      open.add(connection);
      connection.on('error', () => {});
      connection.on('close', () => {
        open.delete(connection);
        settle();
      });
      connection.once('readable', function readTag() {
        const tag = connection.read(1) as Buffer | null;
        if (!tag) {
          connection.once('readable', readTag);
          return;
        }
        const name = tag.toString();
        held[name] = connection;
        if (name === '1' || name === '2') {
          const out = name === '1' ? streams.stdout : streams.stderr;
          connection.setEncoding('utf8');
          connection.on('data', out);
        }
        if (held['1'] && held['2'] && held['3']) {
          bridge(held['3'], held['3'], streams.request);
          held['3'].write('g');
        }
      });
    });
    listener.on('error', streams.failed);
    listener.listen(io, () =>
      forkServer.run(
        { file, cwd, env, io },
        {
          onPid: p => {
            pid = p;
            if (killed) killNow();
          },
          onExit: e => {
            exit = e;
            settle();
          },
          onError: error => {
            listener.close();
            for (const c of open) c.destroy();
            streams.failed(error);
          },
        },
      ),
    );
    return {
      kill: () => {
        killed = true;
        if (pid !== undefined && !exit) killNow();
      },
    };
  };
}

/** Answers requests, one JSON document a line, on a Unix socket. */
async function serveSocket(
  socket: string,
  answerLine: (line: string) => Promise<string>,
): Promise<Server> {
  const server = createServer(connection => {
    // A FastCli the script left running must not keep the device waiting.
    server.once('close', () => connection.destroy());
    bridge(connection, connection, answerLine);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  return server;
}
