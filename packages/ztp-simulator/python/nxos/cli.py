"""NX-OS's Python `cli` module, as the simulated switch provides it to POAP.

cli() returns the output of commands separated by " ; " (the mode a command
enters lasts until the call ends), clip() prints it, clid() asks for JSON;
a command the CLI refuses raises cli_syntax_error, one that fails
("ERROR: ...") cli_execution_error, each with the switch's output.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bridge import ask  # noqa: E402


class cli_syntax_error(Exception):
    pass


class cli_execution_error(Exception):
    pass


def cli(command):
    # Commands are separated by " ; " (a semicolon between single spaces);
    # a bare ";" is part of the command, which NX-OS then refuses.
    commands = [part.strip() for part in command.split(" ; ") if part.strip()]
    answer = ask("exec", commands=commands)
    if answer.get("refused"):
        raise cli_syntax_error(answer["output"])
    if answer.get("failed"):
        raise cli_execution_error(answer["output"])
    return answer["output"]


def clip(command):
    print(cli(command))


def clid(command):
    return json.loads(cli(command + " | json"))
