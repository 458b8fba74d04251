"""The link between a device script and the simulated device that runs it.

The simulator starts python3 with two extra pipes: requests go out on file
descriptor 3 and answers come back on 4, one JSON document a line. The
platform modules (guestshell/cli.py, nxos/cli.py) are built on it.
"""
import json
import os

_requests = os.fdopen(3, "w", encoding="utf-8")
_answers = os.fdopen(4, "r", encoding="utf-8")


def ask(op, **fields):
    """Sends one request to the device and returns its answer (a dict)."""
    fields["op"] = op
    _requests.write(json.dumps(fields) + "\n")
    _requests.flush()
    line = _answers.readline()
    if not line:
        raise RuntimeError("the device stopped answering")
    return json.loads(line)
