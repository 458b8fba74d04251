#!/usr/bin/env python3
# ZeroTouch script for leaf-03, rendered by the ZTP portal.
# EOS runs it, then reboots into the saved configuration if it exits 0.
import base64
import re
import subprocess
import sys
import urllib.request

# The switch's minimal configuration, exactly as the portal rendered it.
CONFIG = """hostname leaf-03
username u privilege 15 role network-admin secret sha512 $6$x$y
interface Management1
   ip address 127.0.10.13/24
end
"""


REPORT_URL = """http://127.0.0.1:7080/ztp/report/0123456789abcdef0123456789abcdef"""


def report(stage, detail=""):
    """Tells the door how far the script got; never stops the script."""
    url = REPORT_URL + "/" + stage
    if detail:
        encoded = base64.urlsafe_b64encode(detail[-1500:].encode("utf-8"))
        url += "/" + encoded.decode("ascii").rstrip("=")
    try:
        urllib.request.urlopen(url, timeout=15).read()
    except Exception as error:  # the door may be unreachable: keep going
        print("could not report %s: %s" % (stage, error))


def fail(detail):
    print("""ZeroTouch script failed: """ + detail)
    report("failed", detail)
    sys.exit(1)


def fastcli(commands):
    """Runs commands in one privileged CLI session; returns what it printed."""
    result = subprocess.run(
        ["FastCli", "-p", "15", "-c", "\n".join(commands)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        universal_newlines=True,
    )
    return result.stdout


def refusals(output):
    """The CLI's error lines ("% Invalid input", "% Incomplete command"...)."""
    return [line.strip() for line in output.splitlines() if line.startswith("%")]


def blocks(text):
    """Top-level commands with their indented sub-commands, without
    comments and the final end: each runs as one unit, so that a refusal
    names the command it belongs to."""
    found = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("!") or stripped == "end":
            continue
        if line[0].isspace() and found:
            found[-1].append(line.rstrip())
        else:
            found.append([line.rstrip()])
    return found


def without_secrets(line):
    """A refused line as reported: its secret or password is left out."""
    return re.sub(
        r"\b(secret|password)((?:\s+(?:0|5|7|sha512))?)\s+\S+",
        r"\1\2 <removed>",
        line,
    )


def main():
    report("started")
    refused = []
    for block in blocks(CONFIG):
        errors = refusals(fastcli(["configure"] + block + ["end"]))
        if errors:
            refused.append(
                "%s: %s" % (without_secrets(block[0].strip()), " ".join(errors))
            )
    if refused:
        fail("; ".join(refused))
    saved = fastcli(["copy running-config startup-config"])
    if refusals(saved):
        fail("copy running-config startup-config: " + saved.strip())
    report("applied")
    print("ZeroTouch: configuration applied and saved; the switch reboots")


if __name__ == "__main__":
    main()
