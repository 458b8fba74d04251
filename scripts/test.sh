#!/usr/bin/env bash
# Runs every test of the ZTP portal: type check, lint, formatting, unit and
# integration tests (SQLite and a real PostgreSQL, real SSH servers), and the
# end-to-end browser test. Installs whatever is missing first.
source "$(dirname "$0")/env.sh"
source "$ROOT/scripts/postgres.sh"
cd "$ROOT"

ensure_node
# postgresql: store tests; openssh-*: the real sshd the SSH client is proven
# against; chromium: the end-to-end test (Playwright drives Debian's build);
# kea-*, isc-dhcp-client: real DHCP between Kea and simulated devices;
# python3: the simulated devices run the scripts they download.
ensure_apt postgresql openssh-server openssh-client tftp-hpa chromium kea-dhcp4-server kea-ctrl-agent isc-dhcp-client python3
ensure_packages

trap stop_test_postgres EXIT
start_test_postgres

say "Type check"
yarn tsc

say "Lint"
yarn lint:all

say "Formatting"
yarn prettier:check

say "Unit and integration tests"
log="$(mktemp)"
set +e
CI=true BACKSTAGE_TEST_DISABLE_DOCKER=1 yarn backstage-cli repo test --ci 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
passed=$(grep -E '^Tests:' "$log" | sed -E 's/.* ([0-9]+) passed.*/\1/;t;s/.*/0/' | awk '{s+=$1} END {print s+0}')
failed=$(grep -E '^Tests:' "$log" | sed -E 's/.* ([0-9]+) failed.*/\1/;t;s/.*/0/' | awk '{s+=$1} END {print s+0}')
rm -f "$log"
[ "$status" -eq 0 ] || { echo "unit: $passed passed, $failed failed"; exit "$status"; }

say "End-to-end test in Chromium (portal, backend and simulated fleet)"
# The stack binds these ports; a leftover portal would be tested instead.
for port in 3000 7007 7080 7090; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Port $port is in use: stop the running portal or simulator first" >&2
    exit 1
  fi
done
set +e
CI=true yarn test:e2e
e2e_status=$?
set -e
# Playwright started e2e/stack.sh in a process group of its own and stopped
# that group by its id (SIGTERM, then SIGKILL): nothing is killed by name,
# so another checkout's portal or simulator on this machine is left alone.
for port in 3000 7007 7080 7090; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "Warning: port $port is still in use after the end-to-end test" >&2
  fi
done
if [ "$e2e_status" -ne 0 ]; then
  echo "unit: $passed passed, $failed failed; end-to-end: failed (screenshots in e2e/results/)"
  exit "$e2e_status"
fi

echo "unit: $passed passed, $failed failed"
