# ZTP script for leaf-01, rendered by the ZTP portal.
# IOS XE's ZTP agent runs it in Guest Shell (Python 3).
import base64
import sys
import urllib.request

import cli

# The device's minimal configuration, exactly as the portal rendered it.
CONFIG = """hostname leaf-01
!
username ztp-3f9a1c privilege 15 secret 9 $9$a\\b\"\"\"c$d
ip domain name ztp.invalid
crypto key generate rsa modulus 2048
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
    print("""ZTP failed: """ + detail)
    report("failed", detail)
    sys.exit(1)


def config_lines(text):
    """The configuration's commands, without comments and the final end."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("!") or stripped == "end":
            continue
        lines.append(line.rstrip())
    return lines


def rejected(results):
    """Commands the device refused, with what it said."""
    refused = []
    for result in results or []:
        if not getattr(result, "success", True):
            refused.append(
                "%s: %s"
                % (getattr(result, "command", "?"), getattr(result, "output", "").strip())
            )
    return refused


def main():
    report("started")
    try:
        results = cli.configure(config_lines(CONFIG))
    except Exception as error:
        # Releases that raise on a refused command list the results in it.
        refused = rejected(getattr(error, "results", None))
        fail("; ".join(refused) if refused else str(error))
    refused = rejected(results)
    if refused:
        fail("; ".join(refused))
    saved = cli.execute("write memory")
    if "[OK]" not in saved:
        fail("write memory: " + saved.strip())
    report("applied")
    print("ZTP: configuration applied and saved")


if __name__ == "__main__":
    main()
