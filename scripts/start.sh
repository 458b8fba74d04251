#!/usr/bin/env bash
# Starts the ZTP portal (frontend on :3000, backend on :7007, device door on
# 127.0.0.1:7080) on the embedded default database: SQLite in .data/ inside
# the working tree, so device state survives a restart. Also starts a
# simulated fleet for the example devices (--no-simulator turns it off).
# Installs whatever is missing first.
source "$(dirname "$0")/env.sh"
cd "$ROOT"

simulator=1
for arg in "$@"; do
  case "$arg" in
    --no-simulator) simulator=0 ;;
    *) echo "usage: $0 [--no-simulator]" >&2; exit 2 ;;
  esac
done

ensure_node
ensure_packages
# The simulated IOS XE and NX-OS devices run their ZTP and POAP scripts with
# the real python3, as Guest Shell and POAP do.
if [ "$simulator" = 1 ]; then ensure_apt python3; fi
mkdir -p "$ROOT/.data"

# The key that encrypts device passwords at rest: made once, kept out of git.
if [ -z "${ZTP_SECRETS_KEY:-}" ]; then
  if [ ! -s "$ROOT/.data/ztp-secrets.key" ]; then
    say "Generating the secrets key in .data/ztp-secrets.key"
    (umask 077 && node -e "process.stdout.write(require('crypto').randomBytes(32).toString('base64'))" >"$ROOT/.data/ztp-secrets.key")
  fi
  ZTP_SECRETS_KEY="$(cat "$ROOT/.data/ztp-secrets.key")"
  export ZTP_SECRETS_KEY
fi

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

if [ "$simulator" = 1 ] && [ -f "$ROOT/packages/ztp-simulator/bin/ztp-simulator" ]; then
  say "Starting the simulated fleet (devices on 127.0.10.x and 127.0.20.x; --no-simulator to skip)"
  node "$ROOT/packages/ztp-simulator/bin/ztp-simulator" \
    --catalog examples/fleet/devices.yaml \
    --overrides examples/fleet/simulator.yaml \
    --provisioning-url http://127.0.0.1:7080 &
  pids+=($!)
fi

# glibc gives every thread that allocates an arena of its own, and what the
# backend's threads (the device door, password hashing, libuv's pool) free
# stays in theirs: capped at two, a backend with 10,000 devices settled at
# 445-561 MiB instead of 685-698 (README, "The backend's memory").
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"

say "Starting the portal: http://localhost:3000 (sign in as guest)"
yarn start &
pids+=($!)
wait "${pids[-1]}"
