import { PythonForkServer } from './pythonForkServer';
import {
  runDeviceScript,
  type ScriptEnvironment,
  type ScriptRequest,
} from './runDeviceScript';

/**
 * A script forked by the fork server must behave as `python3 script.py`
 * spawned for it: each case runs the same script both ways and compares
 * what the device sees (exit code, output), the script's temporary
 * directory aside.
 */
const requests: ScriptRequest[] = [];
const answer = async (request: ScriptRequest) => {
  requests.push(request);
  return { output: `answered ${JSON.stringify(request)}\n` };
};

async function bothWays(
  script: string,
  environment: ScriptEnvironment = 'guestshell',
  timeoutMs = 20_000,
) {
  const run = async (forkServer: null | undefined) => {
    const r = await runDeviceScript({
      script,
      environment,
      answer,
      timeoutMs,
      forkServer,
    });
    return {
      exitCode: r.exitCode,
      output: r.output.replace(/\/tmp\/ztp-sim-script-[^/]+/g, '<dir>'),
    };
  };
  return { forked: await run(undefined), spawned: await run(null) };
}

/** Output lines in order of stream; stdout and stderr interleave freely. */
const lines = (output: string) => output.split('\n').sort();

describe('device scripts forked by the python3 fork server', () => {
  it('exit with the script’s code, printing on stdout and stderr', async () => {
    const { forked, spawned } = await bothWays(
      'import sys\nprint("to stdout")\nprint("to stderr", file=sys.stderr)\nsys.exit(3)\n',
    );
    expect(forked.exitCode).toBe(3);
    expect(lines(forked.output)).toEqual(['', 'to stderr', 'to stdout']);
    expect(forked.exitCode).toBe(spawned.exitCode);
    expect(lines(forked.output)).toEqual(lines(spawned.output));
  });

  it('report an uncaught exception with the interpreter’s own traceback', async () => {
    const { forked, spawned } = await bothWays(
      'def check():\n    raise ValueError("no such interface")\n\ncheck()\n',
    );
    expect(forked.exitCode).toBe(1);
    expect(forked.output).toBe(
      [
        'Traceback (most recent call last):',
        '  File "<dir>/script.py", line 4, in <module>',
        '    check()',
        '  File "<dir>/script.py", line 2, in check',
        '    raise ValueError("no such interface")',
        'ValueError: no such interface',
        '',
      ].join('\n'),
    );
    expect(forked).toEqual(spawned);
  });

  it('refuse a script that does not compile, as python3 does', async () => {
    const { forked, spawned } = await bothWays('def (:\n');
    expect(forked.exitCode).toBe(1);
    expect(forked.output).toContain('SyntaxError: invalid syntax');
    expect(forked.output).not.toContain('Traceback');
    expect(forked).toEqual(spawned);
  });

  it('exit 1 with the message of sys.exit("...")', async () => {
    const { forked, spawned } = await bothWays(
      'import sys\nsys.exit("image download failed")\n',
    );
    expect(forked).toEqual({ exitCode: 1, output: 'image download failed\n' });
    expect(forked).toEqual(spawned);
  });

  it('run as __main__ with argv naming the script, in its own directory', async () => {
    const { forked, spawned } = await bothWays(
      [
        'import os, sys',
        'print(__name__, sys.argv == [__file__], sys.argv[0])',
        'print(os.getcwd() == os.path.dirname(__file__))',
        'print(sys.path[0] == os.path.dirname(__file__), sys.path[1].endswith("guestshell"))',
        'print(sys.stdin.read() == "", sys.stdout.encoding, sys.dont_write_bytecode)',
      ].join('\n'),
    );
    expect(forked).toEqual({
      exitCode: 0,
      output:
        '__main__ True <dir>/script.py\nTrue\nTrue True\nTrue utf-8 True\n',
    });
    expect(forked).toEqual(spawned);
  });

  it('get the environment a spawned python3 gets, nothing of the server’s', async () => {
    const { forked, spawned } = await bothWays(
      'import os\nfor k in sorted(os.environ):\n    print(k, os.environ[k])\n',
      'eos',
    );
    expect(forked.output).toContain('ZTP_SIM_DEVICE_SOCKET <dir>/device.sock');
    expect(forked.output).toMatch(/^PYTHONPATH .*python\/eos$/m);
    expect(forked).toEqual(spawned);
  });

  it('start with fresh module state: nothing one script set leaks into the next', async () => {
    const first = await runDeviceScript({
      script:
        'import json, cli\njson.LEFT_BEHIND = 1\nimport builtins\nbuiltins.LEFT_BEHIND = 2\nLEFT_BEHIND = 3\n',
      environment: 'guestshell',
      answer,
    });
    expect(first.exitCode).toBe(0);
    const { forked, spawned } = await bothWays(
      [
        'import sys, json, builtins',
        'print(hasattr(json, "LEFT_BEHIND"), hasattr(builtins, "LEFT_BEHIND"))',
        'print("LEFT_BEHIND" in globals(), "cli" in sys.modules, "bridge" in sys.modules)',
      ].join('\n'),
    );
    expect(forked).toEqual({
      exitCode: 0,
      output: 'False False\nFalse False False\n',
    });
    expect(forked).toEqual(spawned);
  });

  it('find loaded only the modules a fresh python3 has, until the script imports more', async () => {
    const { forked, spawned } = await bothWays(
      [
        'import sys',
        'def loaded():',
        '    return sorted(n for n in sys.modules if n != "__main__")',
        'print(loaded())',
        'import urllib',
        'print(hasattr(urllib, "request"), loaded())',
        'import json, subprocess',
        'print(loaded())',
        'from urllib import request',
        'import http, email',
        'print(hasattr(http, "client"), hasattr(email, "utils"), loaded())',
        'print(request.__spec__.name, type(request.__spec__.loader).__name__)',
      ].join('\n'),
    );
    expect(forked.exitCode).toBe(0);
    expect(forked.output).toContain('\nFalse [');
    expect(forked.output).toContain('\nTrue True [');
    expect(forked.output).toContain('urllib.request SourceFileLoader');
    expect(forked).toEqual(spawned);
  });

  it('show after an import the modules and package links a fresh python3 shows', async () => {
    // What the server preloads for itself and for the scripts, one at a time.
    const imports = [
      'import json',
      'import socket, select, fcntl',
      'import importlib',
      'import importlib.machinery',
      'import subprocess',
      'import tempfile',
      'from email import utils',
      'import http.client',
      'import urllib.request',
      'import base64, getopt, collections, re',
    ];
    for (const statement of imports) {
      const { forked, spawned } = await bothWays(
        [
          statement,
          'import sys, types',
          'for name, module in sorted(sys.modules.items()):',
          '    links = sorted(k for k, v in vars(module).items() if isinstance(v, types.ModuleType))',
          '    print(name, links)',
        ].join('\n'),
      );
      expect(forked.exitCode).toBe(0);
      expect({ statement, ...forked }).toEqual({ statement, ...spawned });
    }
  });

  it('refuse urllib.request to a script that imported only urllib, as the device does', async () => {
    const { forked, spawned } = await bothWays(
      'import urllib\nurllib.request.urlopen("http://127.0.0.1:9/")\n',
    );
    expect(forked.exitCode).toBe(1);
    expect(forked.output).toContain(
      "AttributeError: module 'urllib' has no attribute 'request'",
    );
    expect(forked).toEqual(spawned);
  });

  it('shut down as the interpreter does: threads joined, atexit run', async () => {
    const { forked, spawned } = await bothWays(
      [
        'import atexit, threading, time',
        'atexit.register(lambda: print("atexit"))',
        'threading.Thread(target=lambda: (time.sleep(0.3), print("thread"))).start()',
        'print("main done")',
      ].join('\n'),
    );
    expect(forked).toEqual({
      exitCode: 0,
      output: 'main done\nthread\natexit\n',
    });
    expect(forked).toEqual(spawned);
  });

  it('kill a script that outlives its timeout', async () => {
    const started = Date.now();
    const { forked, spawned } = await bothWays(
      'import os, time\nprint(os.getpid(), flush=True)\ntime.sleep(60)\n',
      'guestshell',
      1000,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(forked.exitCode).toBeNull();
    expect(spawned.exitCode).toBeNull();
    const pid = Number(forked.output.trim());
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it('reach the device through the cli module and through FastCli', async () => {
    requests.length = 0;
    const { forked, spawned } = await bothWays(
      'import cli\nprint(cli.execute("show version"))\n',
    );
    expect(forked.exitCode).toBe(0);
    expect(forked.output).toMatch(/^answered \{.*"show version".*\}\n\n$/);
    expect(forked).toEqual(spawned);
    const eos = await bothWays(
      'import subprocess\nsubprocess.run(["FastCli", "-p", "15", "-c", "show version"], check=True)\n',
      'eos',
    );
    expect(eos.forked.exitCode).toBe(0);
    expect(eos.forked.output).toContain('show version');
    expect(eos.forked).toEqual(eos.spawned);
    expect(requests.map(r => r.op)).toEqual([
      'exec',
      'exec',
      'fastcli',
      'fastcli',
    ]);
  });

  it('start a new fork server once the old one has died', async () => {
    const forkServer = new PythonForkServer();
    const run = () =>
      runDeviceScript({
        script: 'import os\nprint(os.getppid())\n',
        environment: 'guestshell',
        answer,
        forkServer,
      });
    const first = await run();
    expect(first.exitCode).toBe(0);
    const server = Number(first.output.trim());
    process.kill(server, 'SIGKILL');
    await new Promise(resolve => setTimeout(resolve, 300));
    const second = await run();
    expect(second.exitCode).toBe(0);
    expect(Number(second.output.trim())).not.toBe(server);
    forkServer.stop();
  });
});
