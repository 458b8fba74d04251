"""IOS XE's Guest Shell `cli` module, as the simulated device provides it.

Commands run on the device's own CLI (its configuration interpreter), with
the same entry points as on a Catalyst or ISR: cli/clip for any commands,
execute/executep for one EXEC command, configure/configurep for
configuration lines.
"""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bridge import ask  # noqa: E402

ConfigResult = collections.namedtuple(
    "ConfigResult", ["success", "command", "line", "output", "notes"]
)


class CLIError(Exception):
    pass


class CLISyntaxError(CLIError):
    pass


class CLIConfigurationError(CLIError):
    """Some configuration lines were refused; `results` lists every line."""

    def __init__(self, results):
        self.results = results
        refused = [r for r in results if not r.success]
        super().__init__(
            "; ".join("%s: %s" % (r.command, r.output.strip()) for r in refused)
        )


def _lines(configuration):
    if isinstance(configuration, str):
        configuration = configuration.splitlines()
    return [line for line in configuration if line.strip()]


def execute(command):
    """Runs one EXEC command and returns its output."""
    if "\n" in command:
        raise CLISyntaxError("execute() takes one command")
    answer = ask("exec", commands=[command])
    return answer["output"]


def executep(command):
    print(execute(command))


def cli(command):
    """Runs EXEC commands separated by semicolons; returns their output."""
    commands = [part.strip() for part in command.split(";") if part.strip()]
    answer = ask("exec", commands=commands)
    return answer["output"]


def clip(command):
    print(cli(command))


def configure(configuration):
    """Applies configuration lines in configuration mode, one by one."""
    answer = ask("configure", lines=_lines(configuration))
    results = [
        ConfigResult(r["success"], r["command"], r["line"], r["output"], "")
        for r in answer["results"]
    ]
    if not all(r.success for r in results):
        raise CLIConfigurationError(results)
    return results


def configurep(configuration):
    for result in configure(configuration):
        print("Line %d SUCCESS: %s" % (result.line, result.command))
