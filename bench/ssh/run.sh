#!/usr/bin/env bash
# SSH serial-check benchmark: one sweep of serial checks over a fleet of
# simulated devices by the ZTP backend's own SSH path, by OpenSSH's client
# and by Paramiko, at the same concurrency, side by side.
#
#   bench/ssh/run.sh [--devices N] [--concurrency C] [--platform ID]
#                    [--rounds R] [--only ztp,openssh,paramiko]
#                    [--base 127.0.120] [--port P] [--farm-procs K]
#                    [--sweep-timeout SECONDS] [--hash] [--device-nagle]
#                    [--ztp-nodelay] [--profile] [--keep]
#
#   --devices        simulated devices (default 500)
#   --concurrency    checks at once, for every tool (default 50, as
#                    ztp.serialCheck.concurrency)
#   --platform       cisco-iosxe (default), cisco-nxos, arista-eos or
#                    juniper-junos
#   --rounds         sweeps per tool, run in turn (ZTP, OpenSSH, Paramiko);
#                    the table shows the medians (default 1)
#   --base, --port   devices answer on BASE.1, BASE.2, ... (250 per /24) at
#                    PORT (default 127.0.120, port 22; 2222 when not root)
#   --farm-procs     node processes serving the devices (default 2)
#   --sweep-timeout  limit of each sweep in seconds (default 300)
#   --hash           devices store the password hashed (IOS XE: scrypt), so
#                    every login costs the device side a hash check
#   --device-nagle   leave Nagle's algorithm on at the devices, as the
#                    simulator does (by default they set TCP_NODELAY, as
#                    OpenSSH's sshd does on every session)
#   --ztp-nodelay    also run the ZTP sweep with TCP_NODELAY on the client's
#                    socket (the proposed fix to openDeviceCli), as its own row
#   --profile        V8 CPU profile of the ZTP sweep, kept next to the results
#   --keep           keep the temporary directory (fleet, logs, raw results)
#
# The devices are packages/ztp-simulator's SimulatedDevice: each boots, takes
# its account from a provisioning stub inside the device process, and serves
# its platform's CLI (show version, show inventory, ...) with its own serial
# and password. Everything is on loopback. Results: bench/results/ssh-<date>.txt.
# shellcheck source=../../scripts/env.sh
source "$(dirname "$0")/../../scripts/env.sh"
HERE="$ROOT/bench/ssh"

DEVICES=500
CONCURRENCY=50
PLATFORM=cisco-iosxe
ROUNDS=1
ONLY=ztp,openssh,paramiko
BASE=127.0.120
PORT=""
FARM_PROCS=2
SWEEP_TIMEOUT=300
HASH=0
DEVICE_NAGLE=0
ZTP_NODELAY=0
PROFILE=0
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --devices) DEVICES="$2"; shift 2 ;;
    --concurrency) CONCURRENCY="$2"; shift 2 ;;
    --platform) PLATFORM="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --base) BASE="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --farm-procs) FARM_PROCS="$2"; shift 2 ;;
    --sweep-timeout) SWEEP_TIMEOUT="$2"; shift 2 ;;
    --hash) HASH=1; shift ;;
    --device-nagle) DEVICE_NAGLE=1; shift ;;
    --ztp-nodelay) ZTP_NODELAY=1; shift ;;
    --profile) PROFILE=1; shift ;;
    --keep) KEEP=1; shift ;;
    *) sed -n '2,36p' "$0" >&2; exit 2 ;;
  esac
done
[ -n "$PORT" ] || { [ "$(id -u)" -eq 0 ] && PORT=22 || PORT=2222; }

# What OpenSSH and Paramiko run, and how a script would pick the serial out.
case "$PLATFORM" in
  cisco-iosxe) CHECK_COMMAND='show version'
    SERIAL_REGEX='Processor board ID \K\S+' PY_REGEX='Processor board ID (\S+)' ;;
  cisco-nxos) CHECK_COMMAND='show version'
    SERIAL_REGEX='Processor Board ID \K\S+' PY_REGEX='Processor Board ID (\S+)' ;;
  arista-eos) CHECK_COMMAND='show version'
    SERIAL_REGEX='Serial number:\s*\K\S+' PY_REGEX='Serial number:\s*(\S+)' ;;
  juniper-junos) CHECK_COMMAND='show chassis hardware'
    SERIAL_REGEX='^Chassis\s+\K\S+' PY_REGEX='(?m)^Chassis\s+(\S+)' ;;
  *) echo "unknown platform $PLATFORM" >&2; exit 2 ;;
esac
export CHECK_COMMAND SERIAL_REGEX CONNECT_TIMEOUT=5

ensure_apt openssh-client sshpass python3-paramiko time
ensure_node
[ -d "$ROOT/node_modules/ssh2" ] || ensure_packages
TS_LOADER="$ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs"

TMP="$(mktemp -d /tmp/ztp-ssh-bench.XXXXXX)"
FARM_PIDS=()
SWEEP_PID=""
cleanup() {
  local code=$?
  trap - EXIT INT TERM
  # A sweep runs under `timeout`, which leads its own process group.
  if [ -n "$SWEEP_PID" ]; then kill -TERM -- "-$SWEEP_PID" 2>/dev/null || true; fi
  for pid in "${FARM_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${FARM_PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ "$KEEP" = 1 ]; then say "Kept $TMP"; else rm -rf "$TMP"; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

node "$HERE/fleet.cjs" --devices "$DEVICES" --base "$BASE" --port "$PORT" \
  --platform "$PLATFORM" >"$TMP/fleet.tsv"

say "Starting $DEVICES simulated $PLATFORM devices on $BASE.x:$PORT in $FARM_PROCS processes"
lifetime=$((SWEEP_TIMEOUT * 4 * ROUNDS + 300))
device_flags=()
[ "$HASH" = 1 ] && device_flags+=(--hash)
[ "$DEVICE_NAGLE" = 1 ] && device_flags+=(--nagle)
for k in $(seq 0 $((FARM_PROCS - 1))); do
  node -r "$TS_LOADER" "$HERE/devices.cjs" --fleet "$TMP/fleet.tsv" \
    --platform "$PLATFORM" --slice "$k/$FARM_PROCS" --ready-file "$TMP/ready.$k" \
    --max-seconds "$lifetime" "${device_flags[@]}" >"$TMP/devices.$k.log" 2>&1 &
  FARM_PIDS+=($!)
done
for _ in $(seq 1200); do
  ready=0
  for k in $(seq 0 $((FARM_PROCS - 1))); do
    [ -f "$TMP/ready.$k" ] && ready=$((ready + 1))
    if ! kill -0 "${FARM_PIDS[$k]}" 2>/dev/null; then
      echo "The device process $k stopped:" >&2
      head -3 "$TMP/devices.$k.log" >&2
      exit 1
    fi
  done
  [ "$ready" = "$FARM_PROCS" ] && break
  sleep 0.1
done
[ "$ready" = "$FARM_PROCS" ] || { echo "The devices did not start in 120 s" >&2; exit 1; }
say "Devices ready: $(cat "$TMP"/ready.* | awk '{n += $2; if ($3 > t) t = $3} END {print n " in " t " ms"}')"

CLK_TCK="$(getconf CLK_TCK)"
# Stops the run when a device process has ended: every later number
# would be wrong.
farm_alive() {
  local k status
  for k in "${!FARM_PIDS[@]}"; do
    kill -0 "${FARM_PIDS[$k]}" 2>/dev/null && continue
    status=0
    wait "${FARM_PIDS[$k]}" || status=$?
    echo "The device process $k (pid ${FARM_PIDS[$k]}) ended with status $status:" >&2
    tail -5 "$TMP/devices.$k.log" >&2
    exit 1
  done
}

# CPU seconds the device processes have used so far.
farm_cpu() {
  local ticks=0 pid
  for pid in "${FARM_PIDS[@]}"; do
    ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  awk -v t="$ticks" -v hz="$CLK_TCK" 'BEGIN {printf "%.2f", t / hz}'
}

# run_sweep NAME OUTPUT COMMAND...: one bounded sweep; a sweep that fails or
# runs out of time still leaves a result with every device as an error.
run_sweep() {
  local name="$1" out="$2"
  shift 2
  local before
  farm_alive
  before="$(farm_cpu)"
  timeout --kill-after=10 "$SWEEP_TIMEOUT" "$@" >"$out" 2>"$out.err" &
  SWEEP_PID=$!
  local status=0
  wait "$SWEEP_PID" || status=$?
  SWEEP_PID=""
  farm_alive
  awk -v a="$before" -v b="$(farm_cpu)" 'BEGIN {printf "%.2f\n", b - a}' >"$out.farm"
  if [ "$status" -ne 0 ] || ! [ -s "$out" ]; then
    local why="failed: exit $status"
    [ "$status" -eq 124 ] && why="timed out after $SWEEP_TIMEOUT s"
    echo "$name sweep $why" >&2
    tail -5 "$out.err" >&2
    printf '{"kind":"%s","tool":"%s (%s)","devices":0,"wallMs":1,"latencies":[],"errors":0,"cpuSeconds":0,"maxRssKb":0}\n' \
      "$name" "$name" "$why" >"$out"
  fi
}

STAMP="$(date +%Y%m%d-%H%M%S)"
RESULTS_DIR="$ROOT/bench/results"
mkdir -p "$RESULTS_DIR"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
results=()
for round in $(seq 1 "$ROUNDS"); do
  if [[ ",$ONLY," == *,ztp,* ]]; then
    say "Round $round: ZTP sweep (openDeviceCli + readSerial, p-limit $CONCURRENCY)"
    prof=()
    [ "$PROFILE" = 1 ] && prof=(--cpu-prof --cpu-prof-dir "$TMP/profile")
    run_sweep ZTP "$TMP/ztp.$round.json" node "${prof[@]}" -r "$TS_LOADER" \
      "$HERE/ztp-sweep.cjs" --fleet "$TMP/fleet.tsv" --platform "$PLATFORM" \
      --concurrency "$CONCURRENCY" --connect-timeout-ms 5000 --deadline-ms 30000
    results+=("$TMP/ztp.$round.json")
    if [ "$ZTP_NODELAY" = 1 ]; then
      say "Round $round: ZTP sweep with TCP_NODELAY on the client socket (proposed fix)"
      run_sweep ZTP+nodelay "$TMP/ztp-nodelay.$round.json" node -r "$TS_LOADER" \
        "$HERE/ztp-sweep.cjs" --fleet "$TMP/fleet.tsv" --platform "$PLATFORM" \
        --concurrency "$CONCURRENCY" --connect-timeout-ms 5000 --deadline-ms 30000 \
        --nodelay true
      results+=("$TMP/ztp-nodelay.$round.json")
    fi
  fi
  if [[ ",$ONLY," == *,openssh,* ]]; then
    say "Round $round: OpenSSH sweep (sshpass + ssh '$CHECK_COMMAND', xargs -P $CONCURRENCY)"
    run_sweep OpenSSH "$TMP/openssh.$round.json" \
      bash "$HERE/openssh-sweep.sh" "$TMP/fleet.tsv" "$CONCURRENCY" "$TMP"
    results+=("$TMP/openssh.$round.json")
  fi
  if [[ ",$ONLY," == *,paramiko,* ]]; then
    say "Round $round: Paramiko sweep (exec_command '$CHECK_COMMAND', $CONCURRENCY threads)"
    run_sweep Paramiko "$TMP/paramiko.$round.json" \
      /usr/bin/python3 "$HERE/paramiko_sweep.py" --fleet "$TMP/fleet.tsv" \
      --concurrency "$CONCURRENCY" --command "$CHECK_COMMAND" \
      --serial-regex "$PY_REGEX" --connect-timeout 5
    results+=("$TMP/paramiko.$round.json")
  fi
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
FARM_PEAK_MB="$(for pid in "${FARM_PIDS[@]}"; do grep VmHWM "/proc/$pid/status"; done |
  awk '{kb += $2} END {printf "%.0f", kb / 1024}')"

RESULT_FILE="$RESULTS_DIR/ssh-$STAMP.txt"
{
  echo "# SSH serial-check sweep, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- $DEVICES simulated $PLATFORM devices (packages/ztp-simulator) on $BASE.x:$PORT, $FARM_PROCS device processes (peak RSS $FARM_PEAK_MB MB together), passwords $([ "$HASH" = 1 ] && echo hashed || echo 'in clear text'), Nagle's algorithm at the devices $([ "$DEVICE_NAGLE" = 1 ] && echo on || echo 'off (TCP_NODELAY)')"
  echo "- concurrency $CONCURRENCY for every tool; ZTP: openDeviceCli + driver.readSerial under p-limit (shell, terminal length 0, show inventory); OpenSSH and Paramiko: exec '$CHECK_COMMAND' and a regex"
  echo "- latency: one device, from taking a slot to the end of its check; CPU: the client side only (ZTP: process.cpuUsage over the sweep; OpenSSH: every process the sweep started, via GNU time; Paramiko: getrusage of the process over the sweep)"
  echo "- max RSS: ZTP and Paramiko the process peak; OpenSSH the peak sum over its live processes"
  echo "- device-side CPU: the simulated devices' processes during that sweep"
  echo "- machine: $(nproc) cores, load average $LOAD_BEFORE before and $LOAD_AFTER after (other work shares the machine)"
  echo "- node $(node --version), ssh2 $(node -p "require('$ROOT/node_modules/ssh2/package.json').version"), $(ssh -V 2>&1 | cut -d, -f1), sshpass $(sshpass -V | awk 'NR==1 {print $2}'), Python $(/usr/bin/python3 -c 'import platform; print(platform.python_version())')"
  echo
  node "$HERE/report.cjs" --devices "$DEVICES" "${results[@]}"
} >"$RESULT_FILE"
profiles=("$TMP"/profile/*.cpuprofile)
if [ "$PROFILE" = 1 ] && [ -f "${profiles[0]}" ]; then
  cp "${profiles[0]}" "$RESULTS_DIR/ssh-$STAMP.cpuprofile"
  echo "- CPU profile of the ZTP sweep: bench/results/ssh-$STAMP.cpuprofile" >>"$RESULT_FILE"
fi
cat "$RESULT_FILE"
say "Results: ${RESULT_FILE#"$ROOT"/}"
