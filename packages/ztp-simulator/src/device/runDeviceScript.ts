import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createServer, type Server } from 'node:net';
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
}): Promise<ScriptResult> {
  const interpreter = interpreterOf(options.script, options.environment);
  if (!interpreter) {
    const line = options.script.split('\n', 1)[0];
    return {
      exitCode: 126,
      output: `${line.slice(2).trim()}: interpreter not available\n`,
    };
  }
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
  try {
    return await new Promise<ScriptResult>((done, fail) => {
      const child = spawn(interpreter, [file], {
        cwd: dir,
        env: {
          PATH: server
            ? `${join(PYTHON_DIR, options.environment, 'bin')}:${path}`
            : path,
          ...(server ? { ZTP_SIM_DEVICE_SOCKET: socket } : {}),
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
          const reply = await answerLine(line);
          if (answers.writable) answers.write(reply);
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
    server?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Answers requests, one JSON document a line, on a Unix socket. */
async function serveSocket(
  socket: string,
  answerLine: (line: string) => Promise<string>,
): Promise<Server> {
  const server = createServer(connection => {
    // A FastCli the script left running must not keep the device waiting.
    server.once('close', () => connection.destroy());
    connection.on('error', () => {});
    let queue = Promise.resolve();
    createInterface({ input: connection }).on('line', line => {
      queue = queue.then(async () => {
        const reply = await answerLine(line);
        if (connection.writable) connection.write(reply);
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => resolve());
  });
  return server;
}
