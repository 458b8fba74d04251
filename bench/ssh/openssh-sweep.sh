#!/usr/bin/env bash
# One sweep of serial checks with OpenSSH's client: one sshpass + ssh per
# device (openssh-check.sh), C at a time through xargs -P.
#
#   openssh-sweep.sh FLEET_TSV CONCURRENCY WORK_DIR
#
# Environment: CHECK_COMMAND, SERIAL_REGEX (grep -oP), CONNECT_TIMEOUT.
# Prints one JSON line like ztp-sweep.cjs. CPU time is that of every process
# the sweep started (GNU time over xargs: ssh, sshpass, bash and grep); max
# RSS is the largest sum over the live process tree (peak-rss.py).
set -euo pipefail
fleet="$1" concurrency="$2" work="$3"
here="$(cd "$(dirname "$0")" && pwd)"
export CHECK_COMMAND SERIAL_REGEX CONNECT_TIMEOUT

start="$EPOCHREALTIME"
cut -f2-6 "$fleet" | tr '\t' '\n' |
  /usr/bin/time -o "$work/openssh.time" -f '%U %S %M' \
    xargs -d '\n' -n 5 -P "$concurrency" "$here/openssh-check.sh" \
    >"$work/openssh.lines" &
sweep_pid=$!
/usr/bin/python3 "$here/peak-rss.py" "$sweep_pid" 0.25 >"$work/openssh.rss" &
sampler_pid=$!
# xargs exits 123 when a check failed; the failures are counted below.
wait "$sweep_pid" || true
end="$EPOCHREALTIME"
wait "$sampler_pid" || true

/usr/bin/python3 - "$work" "$start" "$end" "$(ssh -V 2>&1 | cut -d, -f1)" <<'EOF'
import json, sys
work, start, end, version = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
latencies, errors = [], []
with open(f"{work}/openssh.lines", encoding="utf-8") as f:
    for line in f:
        parts = line.rstrip("\n").split(" ", 3)
        if len(parts) < 3:
            continue
        latencies.append(float(parts[1]))
        if parts[0] != "ok":
            errors.append(f"{parts[2]}: {parts[3] if len(parts) > 3 else ''}")
with open(f"{work}/openssh.time", encoding="utf-8") as f:
    # GNU time writes a "Command exited with non-zero status" line first
    # when xargs reports a failed check.
    user, system, largest_kb = f.read().strip().splitlines()[-1].split()
with open(f"{work}/openssh.rss", encoding="utf-8") as f:
    peak_kb = int(f.read().strip() or 0)
print(json.dumps({
    "kind": "OpenSSH",
    "tool": f"{version} (sshpass + ssh per device, xargs -P)",
    "devices": len(latencies),
    "wallMs": (end - start) * 1000,
    "latencies": latencies,
    "errors": len(errors),
    "errorSamples": errors[:5],
    "cpuSeconds": float(user) + float(system),
    "maxRssKb": peak_kb,
    "largestProcessRssKb": int(largest_kb),
}))
EOF
