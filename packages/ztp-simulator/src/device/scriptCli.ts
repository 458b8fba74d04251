import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { Terminal } from '../terminal/Terminal';
import { InputQueue } from '../terminal/InputQueue';
import type { PlatformShell, PlatformSystem } from '../platforms/types';
import type { ScriptRequest } from './runDeviceScript';

/**
 * A CLI session a device script drives through its `cli` module: no
 * terminal, no pager, and nobody to answer a question (a command that asks
 * one gives up, as it does when a script runs it).
 */
class ScriptSession {
  private readonly shell: PlatformShell;
  private readonly terminal: Terminal;
  private buffer = '';

  constructor(
    system: PlatformSystem,
    private readonly refused: RegExp,
    session: { privileged?: boolean; username?: string; cwd?: string } = {},
  ) {
    const input = new InputQueue();
    input.end();
    this.terminal = new Terminal({
      input,
      output: text => {
        this.buffer += text;
      },
      interactive: false,
      newline: '\n',
      pageLength: 0,
      pager: { prompt: () => '', erase: () => '' },
    });
    const cwd = session.cwd;
    this.shell = system.openShell({
      username: session.username ?? 'guestshell',
      remoteAddress: '127.0.0.1',
      privileged: session.privileged,
      readFile: cwd ? path => readScriptFile(cwd, path) : undefined,
    });
  }

  async run(line: string): Promise<{ output: string; refused: boolean }> {
    this.buffer = '';
    await this.shell.execute(line, this.terminal);
    return { output: this.buffer, refused: this.refused.test(this.buffer) };
  }

  close() {
    this.shell.close();
  }
}

/**
 * Answers the requests of a script's `cli` module on the device's own CLI:
 * EXEC commands in one session per call, configuration lines one by one in
 * configuration mode with a result each (what IOS XE's configure() returns).
 */
export async function answerScriptRequest(
  system: PlatformSystem,
  refused: RegExp,
  request: ScriptRequest,
  onCommand?: (line: string) => void,
): Promise<Record<string, unknown>> {
  const session = new ScriptSession(system, refused, {
    privileged: request.op === 'fastcli' && request.privileged,
    // Junos ZTP runs its scripts as root; the files they write are on the
    // box, here the machine the script runs on.
    ...(request.op === 'junoscli'
      ? { username: 'root', cwd: request.cwd }
      : {}),
  });
  try {
    if (request.op === 'fastcli' || request.op === 'junoscli') {
      // FastCli -c and Junos cli -c: every line in one session (modes
      // carry over), each refusal printed where it happens, and the next
      // line still runs.
      let output = '';
      for (const line of request.lines) {
        onCommand?.(line);
        output += (await session.run(line)).output;
      }
      return { output };
    }
    if (request.op === 'exec') {
      let output = '';
      for (const command of request.commands) {
        onCommand?.(command);
        const result = await session.run(command);
        output += result.output;
        if (result.refused) return { output, refused: true };
        if (/^ERROR:/m.test(result.output)) return { output, failed: true };
      }
      return { output };
    }
    await session.run('configure terminal');
    const results = [];
    for (let i = 0; i < request.lines.length; i++) {
      const line = request.lines[i];
      onCommand?.(line);
      const result = await session.run(line);
      results.push({
        success: !result.refused,
        command: line.trim(),
        line: i + 1,
        output: result.output,
      });
    }
    await session.run('end');
    return { results };
  } finally {
    session.close();
  }
}

/**
 * A file a Junos script names in `load override <file>`: the box's /var/tmp
 * and /tmp (where scripts write), resolved from the script's directory,
 * and nothing else of the machine the simulator runs on.
 */
async function readScriptFile(
  cwd: string,
  path: string,
): Promise<string | undefined> {
  const full = isAbsolute(path) ? resolve(path) : resolve(cwd, path);
  const allowed = ['/var/tmp/', '/tmp/', `${resolve(cwd)}/`];
  if (!allowed.some(dir => full.startsWith(dir))) return undefined;
  try {
    return await readFile(full, 'utf8');
  } catch {
    return undefined;
  }
}
