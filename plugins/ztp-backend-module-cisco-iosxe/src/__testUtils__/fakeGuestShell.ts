import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A stand-in for Guest Shell's `cli` module: each EXEC command gets the
 * answer of the first matching prefix ("<reload>" ends the script at once,
 * as the box's reload does), configuration lines are accepted, and every
 * call is logged in order.
 */
const FAKE_CLI = `import json
import os

_answers = json.load(open(os.environ["FAKE_ANSWERS"]))
_log = open(os.environ["FAKE_LOG"], "a")


class _Result(object):
    def __init__(self, command):
        self.success = True
        self.command = command
        self.line = 0
        self.output = ""


def _record(kind, what):
    _log.write(json.dumps([kind, what]) + "\\n")
    _log.flush()


def execute(command):
    _record("exec", command)
    for prefix, output in _answers:
        if command.startswith(prefix):
            if output == "<reload>":
                os._exit(75)
            return output
    return ""


def configure(lines):
    if isinstance(lines, str):
        lines = lines.splitlines()
    _record("configure", list(lines))
    return [_Result(line) for line in lines]
`;

export type GuestShellRun = {
  exitCode: number;
  output: string;
  /** The script's calls of the cli module, in order. */
  calls: Array<['exec', string] | ['configure', string[]]>;
  /** What it reported to the door: [stage, detail]. */
  reports: Array<[string, string]>;
};

/** A door that records the script's reports; the URL for reportPath. */
export async function startReportDoor() {
  const reports: Array<[string, string]> = [];
  const server = createServer((req, res) => {
    const [, , , , stage, detail] = (req.url ?? '').split('/');
    reports.push([
      stage,
      detail ? Buffer.from(detail, 'base64url').toString('utf8') : '',
    ]);
    res.end('ok\n');
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  return {
    doorUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reports,
    close: () => new Promise<void>(r => server.close(() => r())),
  };
}

/** Runs a rendered script with python3 against the fake cli module. */
export async function runWithFakeCli(
  script: string,
  answers: Array<[string, string]>,
  reports: Array<[string, string]>,
): Promise<GuestShellRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ztp-iosxe-script-'));
  try {
    fs.writeFileSync(path.join(dir, 'cli.py'), FAKE_CLI);
    fs.writeFileSync(path.join(dir, 'answers.json'), JSON.stringify(answers));
    fs.writeFileSync(path.join(dir, 'script.py'), script);
    reports.length = 0;
    const { code, output } = await new Promise<{
      code: number;
      output: string;
    }>(resolve => {
      execFile(
        'python3',
        [path.join(dir, 'script.py')],
        {
          cwd: dir,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            PYTHONPATH: dir,
            PYTHONDONTWRITEBYTECODE: '1',
            FAKE_ANSWERS: path.join(dir, 'answers.json'),
            FAKE_LOG: path.join(dir, 'calls.log'),
          },
          timeout: 30_000,
        },
        (error, stdout, stderr) =>
          resolve({
            code: error ? Number((error as any).code ?? 1) : 0,
            output: stdout + stderr,
          }),
      );
    });
    const log = path.join(dir, 'calls.log');
    const calls = fs.existsSync(log)
      ? fs
          .readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map(line => JSON.parse(line))
      : [];
    return { exitCode: code, output, calls, reports: [...reports] };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
