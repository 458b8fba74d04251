"""Starts device scripts as fresh python3 processes, forked from one that
has already started up and imported the standard modules the scripts use.

A python3 start-up (site, encodings, then urllib, subprocess...) costs
about 100 ms of CPU on this kind of machine; a fleet boot runs hundreds of
scripts at once. Each script still gets its own process with a clean
`__main__`, its own argv, environment, working directory, sys.path and
standard streams, and exits through the interpreter's own shutdown (atexit,
threads, exit codes, tracebacks), as `python3 script.py` would. What the
server loaded beyond a fresh start stays hidden from the script until it
imports it, so the script finds no module, and no package attribute, that
a fresh python3 on the device would not have (see _PreloadedFinder).

Protocol (one JSON document a line): the simulator writes
{"id", "file", "cwd", "env", "io"} on standard input; this server answers
{"id", "pid"} once the child is forked and {"id", "code", "signal"} when it
has exited. The child connects to the Unix socket `io` three times, sending
b"1" (its stdout), b"2" (its stderr) and b"3" (descriptors 3 and 4 of the
script's `cli` bridge), and waits for one byte on the third before it runs
the script, so the simulator holds all of its streams first.
"""
import sys

# The modules a script finds loaded when python3 starts it (site and what
# its .pth files import): anything loaded after this line, by this server
# or by the preloading below, a child hides until its script imports it.
_LOADED_AT_START = frozenset(sys.modules)

import builtins  # noqa: E402

# While this server preloads, a record of what loading each module brings,
# so that a child showing a hidden module shows exactly what a fresh load
# of it shows (urllib.request brings http.client, email.utils...).
_BROUGHT_BY = {}  # module -> modules its code imports or its load adds
_LINKED_AFTER_ITS_PACKAGE = set()  # linked to a package already loaded
_loading = []
_bootstrap = sys.modules["_frozen_importlib"]
_real_import = builtins.__import__
_real_load = _bootstrap._load_unlocked


def _recording_import(name, globals=None, locals=None, fromlist=None, level=0):
    module = _real_import(name, globals, locals, fromlist, level)
    fromlist = fromlist or ()
    # Only what a module's code imports while it loads is part of its load
    # (a C extension's start-up imports on behalf of importlib's frames).
    importer = (globals or {}).get("__name__")
    if importer in _loading:
        base = name
        if level:
            # As the import system resolves `from ..x import y`.
            package = globals.get("__package__") or importer.rpartition(".")[0]
            head = package.rsplit(".", level - 1)[0]
            base = f"{head}.{name}" if name else head
        parts = base.split(".")
        names = {".".join(parts[: i + 1]) for i in range(len(parts))}
        listed = getattr(module, "__all__", ()) if "*" in fromlist else fromlist
        for item in listed:
            if f"{base}.{item}" in sys.modules:
                names.add(f"{base}.{item}")
        _BROUGHT_BY.setdefault(importer, set()).update(names)
    return module


def _recording_load(spec):
    before = set(sys.modules)
    _loading.append(spec.name)
    try:
        module = _real_load(spec)
    finally:
        _loading.pop()
    added = set(sys.modules) - before - {spec.name}
    _BROUGHT_BY.setdefault(spec.name, set()).update(added)
    # The import system links a submodule to its package once loaded; one
    # loaded while its package's own code ran is part of that package.
    package = spec.name.rpartition(".")[0]
    if package and package not in _loading:
        _LINKED_AFTER_ITS_PACKAGE.add(spec.name)
    return module


builtins.__import__ = _recording_import
_bootstrap._load_unlocked = _recording_load

import fcntl  # noqa: E402
import importlib  # noqa: E402
import importlib.machinery  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import select  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import types  # noqa: E402

# What the platforms' scripts and their `cli` modules import: loaded once
# here, never used here; each child hides them again (see _hide_preloaded).
import base64  # noqa: F401,E402
import collections  # noqa: F401,E402
import getopt  # noqa: F401,E402
import re  # noqa: F401,E402
import subprocess  # noqa: F401,E402
import tempfile  # noqa: F401,E402
import urllib.request  # noqa: F401,E402

builtins.__import__ = _real_import
_bootstrap._load_unlocked = _real_load
# Taken now: a child hides importlib.machinery from its script.
_SourceFileLoader = importlib.machinery.SourceFileLoader
_ModuleSpec = importlib.machinery.ModuleSpec
_import_module = importlib.import_module


class _PreloadedFinder:
    """Serves a module this server loaded, once the script imports it, as
    the same object: the import system links it to its package, and the
    modules its own load imported are shown with it. Until then the child's
    sys.modules and packages look as a fresh python3's do, so a script that
    uses urllib.request after only `import urllib` fails as on the device."""

    def __init__(self, hidden):
        self.hidden = hidden
        self.specs = {name: m.__spec__ for name, m in hidden.items()}

    def find_spec(self, name, path=None, target=None):
        return _ModuleSpec(name, self) if name in self.hidden else None

    def create_module(self, spec):
        return self.hidden.pop(spec.name)

    def exec_module(self, module):
        # The import system gave the module this finder's spec; it keeps its own.
        name = module.__spec__.name
        module.__spec__ = self.specs[name]
        for imported in sorted(_BROUGHT_BY.get(name, ())):
            if imported in self.hidden and imported not in sys.modules:
                _import_module(imported)


def _hide_preloaded():
    """Takes out of sys.modules, and off their packages, every module a
    fresh python3 would not have loaded yet."""
    hidden = {
        name: module
        for name, module in sys.modules.items()
        if name not in _LOADED_AT_START
    }
    for name, module in hidden.items():
        del sys.modules[name]
        if name not in _LINKED_AFTER_ITS_PACKAGE:
            continue
        package, _, attribute = name.rpartition(".")
        parent = sys.modules.get(package) or hidden.get(package)
        if getattr(parent, attribute, None) is module:
            delattr(parent, attribute)
    sys.meta_path.insert(0, _PreloadedFinder(hidden))


# The environment the simulator started this server with (its argument) and
# the one it has: what python3, or a launcher in front of it, added (the C
# locale's coercion to LC_CTYPE, a version manager's bin directory in front
# of PATH), a script started as `python3 script.py` gets too.
_LAUNCHED_WITH = json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}
_STARTUP_ENV = dict(os.environ)
_STARTUP_CWD = os.getcwd()
_PATH_AFTER_SCRIPT_DIR = sys.path[1:]


def _launcher_env(env, cwd):
    """What the launcher added, its record of the directory it started in
    (a shell's PWD) being the script's directory for the script."""
    added = {}
    for key, value in _STARTUP_ENV.items():
        if key == "PATH" or key in _LAUNCHED_WITH or key in env:
            continue
        if key == "LC_CTYPE" and ("LC_ALL" in env or "LANG" in env):
            continue
        added[key] = cwd if value == _STARTUP_CWD else value
    given, seen = _LAUNCHED_WITH.get("PATH"), _STARTUP_ENV.get("PATH")
    if given and seen and seen != given and seen.endswith(given):
        added["PATH"] = seen[: len(seen) - len(given)] + env.get("PATH", "")
    return added


def _connect_streams(path):
    """The child's three connections, each above descriptor 9 for now."""
    fds = []
    for tag in (b"1", b"2", b"3"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        s.sendall(tag)
        fds.append(fcntl.fcntl(s.fileno(), fcntl.F_DUPFD_CLOEXEC, 10))
        s.close()
    return fds


def _run_child(request):
    """In the forked child: become `python3 <file>` and run it (the
    server's descriptors go with closerange below)."""
    try:
        out, err, bridge = _connect_streams(request["io"])
    except OSError:
        # The simulator gave up on this script before it started.
        os._exit(127)
    # Nothing of the script runs before the simulator holds every stream.
    if os.read(bridge, 1) != b"g":
        os._exit(1)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    os.dup2(bridge, 3, inheritable=True)
    os.dup2(bridge, 4, inheritable=True)
    os.closerange(5, os.sysconf("SC_OPEN_MAX"))
    for fd in (0, 1, 2):
        os.set_inheritable(fd, True)

    env = request["env"]
    os.environ.clear()
    os.environ.update(env)
    os.environ.update(_launcher_env(env, request["cwd"]))
    os.chdir(request["cwd"])

    file = request["file"]
    python_path = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    sys.path[:] = (
        [os.path.dirname(os.path.realpath(file))]
        + python_path
        + _PATH_AFTER_SCRIPT_DIR
    )
    sys.path_importer_cache.clear()
    importlib.invalidate_caches()
    sys.argv[:] = [file]
    sys.orig_argv[:] = [sys.orig_argv[0], file]

    main = types.ModuleType("__main__")
    main.__file__ = file
    main.__builtins__ = builtins
    main.__cached__ = None
    main.__loader__ = _SourceFileLoader("__main__", file)
    main.__spec__ = None
    sys.modules["__main__"] = main
    with open(file, "rb") as f:
        source = f.read()
    try:
        code = compile(source, file, "exec", dont_inherit=True)
    except SyntaxError as error:
        # As the interpreter reports a script it cannot compile: no frames.
        error.__traceback__ = None
        sys.excepthook(type(error), error, None)
        raise SystemExit(1)
    _hide_preloaded()
    try:
        exec(code, main.__dict__)
    except SystemExit:
        raise
    except KeyboardInterrupt as error:
        _report(error)
        _flush()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    except BaseException as error:  # noqa: B036 -- as the interpreter does
        _report(error)
        raise SystemExit(1)
    raise SystemExit(0)


def _report(error):
    """The interpreter's own report of an uncaught error, without this
    module's frame (the printer reads the error's own traceback)."""
    error.__traceback__ = error.__traceback__.tb_next
    sys.excepthook(type(error), error, error.__traceback__)


def _flush():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass


def _send(message):
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(1, data):]


def serve():
    poller = select.poll()
    poller.register(0, select.POLLIN)
    children = {}  # pidfd -> (request id, pid)
    pending = b""
    while True:
        for fd, _ in poller.poll():
            if fd == 0:
                chunk = os.read(0, 65536)
                if not chunk:
                    return
                pending += chunk
                *lines, pending = pending.split(b"\n")
                for line in lines:
                    if line.strip():
                        request = json.loads(line)
                        pid = os.fork()
                        if pid == 0:
                            poller = None
                            _run_child(request)
                        pidfd = os.pidfd_open(pid)
                        children[pidfd] = (request["id"], pid)
                        poller.register(pidfd, select.POLLIN)
                        _send({"id": request["id"], "pid": pid})
            else:
                request_id, pid = children.pop(fd)
                poller.unregister(fd)
                os.close(fd)
                _, status = os.waitpid(pid, 0)
                if os.WIFSIGNALED(status):
                    sig = signal.Signals(os.WTERMSIG(status)).name
                    _send({"id": request_id, "code": None, "signal": sig})
                else:
                    code = os.waitstatus_to_exitcode(status)
                    _send({"id": request_id, "code": code, "signal": None})


if __name__ == "__main__":
    serve()
