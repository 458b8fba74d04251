#!/usr/bin/env bash
# Provisioning benchmark: the ZTP device door against nginx serving the same
# configurations as static files, under the same wrk load (500 connections,
# a new connection per request, a random device per request).
#
#   bench/provisioning/run.sh [--duration SECONDS] [--devices N]
#                             [--connections N] [--threads N] [--timeout S]
#                             [--no-router] [--sqlite-wal] [--profile]
#                             [--trace-sql] [--keep] [--config FILE]
#                             [--database sqlite|postgres] [--ports BASE]
#                             [--built]
#
#   defaults: 30 s, 10000 devices, 500 connections, 2 threads, and wrk
#   counts a response slower than 10 s as a timeout (socket error)
#   --no-router   skip the run against the plugin-router door
#                 (/api/ztp/provision/... on the backend's own port)
#   --sqlite-wal  create the SQLite file in WAL journal mode before the
#                 backend starts (Backstage leaves SQLite in DELETE mode)
#   --profile     write a V8 CPU profile of the backend next to the results
#   --trace-sql   time every SQLite statement of the backend (sql-trace.cjs)
#   --keep        keep the temporary directory (logs, SQLite file, profile)
#   --config FILE more backend configuration on top of the benchmark's
#                 (e.g. ztp.serialCheck settings)
#   --database    sqlite (default: the embedded default, a file) or postgres
#                 (a PostgreSQL server from Debian started for the run on
#                 127.0.0.1, fsync on as in production)
#   --built       run the ZTP packages from the production build
#                 (yarn build:backend, compiled JavaScript) instead of
#                 their TypeScript sources through Backstage's transform
#   --ports BASE  listen on BASE..BASE+5 (backend, door, nginx, PostgreSQL,
#                 the two Node references) instead of free ephemeral ports;
#                 also ZTP_BENCH_PORT_BASE in the environment
#   MALLOC_ARENA_MAX in the environment: the backend's glibc malloc arenas
#                 (2 when not set, as scripts/start.sh; 0 for glibc's own)
#   ZTP_BENCH_NODE_FLAGS in the environment: more options for the backend's
#                 node (e.g. V8 flags to compare); ZTP_HEAP_GROWING_PERCENT
#                 is read by the backend itself (packages/backend/src/heapGrowth.ts)
#
# What runs: a standalone backend (bench/provisioning/backend.cjs:
# createBackend + the ZTP plugin + an in-memory catalog of the generated
# fleet, SQLite in a file), wrk and nginx from Debian, and for reference a
# bare node:http server serving the same files from memory (bare-node.cjs),
# and the floor of any Node server (node-net-floor.cjs).
# Everything listens on 127.0.0.1. Results go to
# bench/results/provisioning-<date>.txt.
# shellcheck source=../../scripts/env.sh
source "$(dirname "$0")/../../scripts/env.sh"
HERE="$ROOT/bench/provisioning"

DURATION=30
DEVICES=10000
CONNECTIONS=500
THREADS=2
TIMEOUT=10
ROUTER=1
WAL=0
PROFILE=0
TRACE_SQL=0
KEEP=0
BUILT=0
MALLOC_ARENAS="${MALLOC_ARENA_MAX:-2}"
EXTRA_CONFIG=""
DATABASE=sqlite
STARTUP_TIMEOUT=900
PORT_BASE="${ZTP_BENCH_PORT_BASE:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --devices) DEVICES="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --timeout) TIMEOUT="$2"; shift 2 ;;
    --no-router) ROUTER=0; shift ;;
    --sqlite-wal) WAL=1; shift ;;
    --profile) PROFILE=1; shift ;;
    --trace-sql) TRACE_SQL=1; shift ;;
    --keep) KEEP=1; shift ;;
    --config) EXTRA_CONFIG="$(realpath "$2")"; shift 2 ;;
    --database) DATABASE="$2"; shift 2 ;;
    --ports) PORT_BASE="$2"; shift 2 ;;
    --built) BUILT=1; shift ;;
    -h|--help) sed -n '2,45p' "$0"; exit 0 ;;
    *) sed -n '2,45p' "$0" >&2; exit 2 ;;
  esac
done

case "$DATABASE" in
  sqlite) ensure_apt wrk nginx curl ;;
  postgres) ensure_apt wrk nginx curl postgresql ;;
  *) echo "--database is sqlite or postgres" >&2; exit 2 ;;
esac
ensure_node
# A fresh clone needs its packages; a working tree that has them is left alone.
[ -d "$ROOT/node_modules/@backstage/backend-defaults" ] || ensure_packages
TS_LOADER="$ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs"

TMP="$(mktemp -d /tmp/ztp-bench.XXXXXX)"
BACKEND_PID=""
NGINX_PID=""
SAMPLER_PID=""
cleanup() {
  local code=$?
  if [ -n "$SAMPLER_PID" ]; then kill "$SAMPLER_PID" 2>/dev/null || true; fi
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; fi
  if declare -F stop_test_postgres >/dev/null; then stop_test_postgres; fi
  if [ -n "$BACKEND_PID" ] && kill "$BACKEND_PID" 2>/dev/null; then
    # Give it time to shut down cleanly (and write a CPU profile).
    for _ in $(seq 1 100); do kill -0 "$BACKEND_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$BACKEND_PID" 2>/dev/null || true
  fi
  if [ -n "${BUILT_DIR:-}" ]; then rm -rf "$BUILT_DIR"; fi
  if [ "$KEEP" = 1 ] || [ "$code" != 0 ]; then
    echo "Kept $TMP (backend.log, the SQLite file, wrk outputs)"
  else
    rm -rf "$TMP"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# free_port <offset>: BASE+offset with --ports, else a free ephemeral port.
free_port() {
  if [ -n "$PORT_BASE" ]; then
    echo $((PORT_BASE + $1))
    return
  fi
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# rss_sampler <pid> <file>: every 0.2 s, the RSS in KiB of the process and
# its children (nginx's workers) summed, one line per sample.
rss_sampler() {
  local pid=$1 file=$2
  while kill -0 "$pid" 2>/dev/null; do
    local total=0 p kb
    for p in "$pid" $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
      kb=$(awk '/^VmRSS:/ {print $2}' /proc/"$p"/status 2>/dev/null || true)
      total=$((total + ${kb:-0}))
    done
    echo "$total" >>"$file"
    sleep 0.2
  done
}

# run_wrk <label> <base-url> <path-prefix> <pid>: one load run.
run_wrk() {
  local label=$1 url=$2 prefix=$3 pid=$4
  say "wrk against $label: $CONNECTIONS connections, $THREADS threads, ${DURATION}s, Connection: close"
  : >"$TMP/rss-$label"
  rss_sampler "$pid" "$TMP/rss-$label" &
  SAMPLER_PID=$!
  ZTP_BENCH_PATHS="$TMP/paths.txt" ZTP_BENCH_PREFIX="$prefix" ZTP_BENCH_OUT="$TMP/wrk-$label" \
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout "${TIMEOUT}s" \
    -s "$HERE/random-device.lua" "$url" >"$TMP/wrk-$label.txt" &
  local wrk_pid=$!
  # Each thread's CPU time over the run, the server's and wrk's (report.cjs).
  node "$HERE/thread-cpu.cjs" "$TMP/threads-$label.json" "$pid" "$wrk_pid" &
  local threads_pid=$!
  wait "$wrk_pid"
  wait "$threads_pid" || true
  cat "$TMP/wrk-$label.txt"
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
}

store() { node -r "$TS_LOADER" "$HERE/store-check.cjs" "$@"; }

# wait_idle: after a run, the backend still works through the connections
# wrk gave up on; wait until the door answers a trivial request promptly, so
# that the next step does not pay for the previous one.
wait_idle() {
  local deadline=$(($(date +%s) + 600))
  until curl -s -m 1 -o /dev/null "http://127.0.0.1:$DOOR_PORT/"; do
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "The backend is still busy 10 minutes after the run" >&2
      exit 1
    fi
    sleep 1
  done
}

# Other work on the machine moves every figure: it is reported with them.
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "Generating $DEVICES devices in $TMP"
node "$HERE/generate-fleet.cjs" "$TMP" "$DEVICES"

BACKEND_PORT=$(free_port 0)
DOOR_PORT=$(free_port 1)
NGINX_PORT=$(free_port 2)
SQLITE="$TMP/db/ztp.sqlite"
DB_CONFIG="    client: better-sqlite3
    connection:
      directory: $TMP/db"
if [ "$DATABASE" = postgres ]; then
  # shellcheck source=../../scripts/postgres.sh
  source "$ROOT/scripts/postgres.sh"
  ZTP_TEST_PG_PORT=$(free_port 3) ZTP_TEST_PG_FSYNC=on start_test_postgres
  DB_CONFIG="    client: pg
    connection: $ZTP_TEST_POSTGRES_URL"
  # The plugin's own database (Backstage gives each plugin one).
  SQLITE="$ZTP_TEST_POSTGRES_URL/backstage_plugin_ztp"
fi
cat >"$TMP/backend-config.yaml" <<EOF
backend:
  baseUrl: http://127.0.0.1:$BACKEND_PORT
  listen:
    host: 127.0.0.1
    port: $BACKEND_PORT
  # As app-config.yaml: no access-log line per device fetch.
  logger:
    overrides:
      - matchers:
          type: incomingRequest
          url: '/^\\/api\\/ztp\\/provision([/?]|\$)/'
        level: warn
  database:
$DB_CONFIG
ztp:
  secrets:
    key: $(head -c 32 /dev/urandom | base64)
  provisioning:
    host: 127.0.0.1
    port: $DOOR_PORT
    exposeOnPluginRouter: true
    tftp: { enabled: false } # HTTP only; port 69 stays the portal's
EOF

if [ "$WAL" = 1 ] && [ "$DATABASE" = sqlite ]; then
  mkdir -p "$TMP/db"
  (cd "$ROOT" && node -e 'const D=require("better-sqlite3"); const db=new D(process.argv[1]); db.pragma("journal_mode = WAL"); db.close()' "$SQLITE")
fi

say "Starting the ZTP backend (door 127.0.0.1:$DOOR_PORT, backend 127.0.0.1:$BACKEND_PORT); log in $TMP/backend.log"
profile_args=()
[ "$PROFILE" = 1 ] && profile_args+=(--cpu-prof --cpu-prof-dir="$TMP/profile")
[ "$TRACE_SQL" = 1 ] && profile_args+=(-r "$HERE/sql-trace.cjs")
backend_program=(-r "$TS_LOADER" "$HERE/backend.cjs")
if [ "$BUILT" = 1 ]; then
  say "Building the backend (yarn build:backend)"
  BUILT_DIR="$(cd "$ROOT" && node -e 'const b = require("./packages/backend/scripts/productionBundle.cjs"); console.log(b.unpackBackendBundle(b.buildBackendBundle()))')"
  # Beside the unpacked packages, so that it loads their compiled code.
  mkdir "$BUILT_DIR/bench"
  cp "$HERE/backend.cjs" "$HERE/benchCatalog.cjs" "$BUILT_DIR/bench/"
  backend_program=("$BUILT_DIR/bench/backend.cjs")
fi
started=$(date +%s)
(
  cd "$ROOT" || exit 1
  # glibc's malloc arenas as scripts/start.sh sets them (0: glibc's own).
  if [ "$MALLOC_ARENAS" = 0 ]; then unset MALLOC_ARENA_MAX; else export MALLOC_ARENA_MAX="$MALLOC_ARENAS"; fi
  exec env NODE_ENV=production ZTP_BENCH_CATALOG="$TMP/catalog.yaml" ZTP_BENCH_SQL_TRACE="$TMP/sql-trace.txt" \
    node ${ZTP_BENCH_NODE_FLAGS:-} "${profile_args[@]}" "${backend_program[@]}" --config "$TMP/backend-config.yaml" \
      ${EXTRA_CONFIG:+--config "$EXTRA_CONFIG"}
) >"$TMP/backend.log" 2>&1 &
BACKEND_PID=$!

# The door opens once the queue is synced with the catalog.
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$DOOR_PORT/")" != 000 ]; do
  if ! kill -0 "$BACKEND_PID" 2>/dev/null; then
    tail -50 "$TMP/backend.log" >&2
    echo "The backend exited before its door opened" >&2
    exit 1
  fi
  if [ $(($(date +%s) - started)) -gt "$STARTUP_TIMEOUT" ]; then
    echo "The door did not open within ${STARTUP_TIMEOUT}s" >&2
    exit 1
  fi
  sleep 1
done
queued=$(store count "$SQLITE")
startup=$(($(date +%s) - started))
say "Door open after ${startup}s with $queued devices in the queue"
# The queue goes on filling page by page of the catalog, each device served
# once its own page is committed; the storm starts with all of them queued.
until [ "$queued" = "$DEVICES" ]; do
  if [ $(($(date +%s) - started)) -gt "$STARTUP_TIMEOUT" ]; then
    echo "Expected $DEVICES devices in the queue, found $queued" >&2
    exit 1
  fi
  sleep 1
  queued=$(store count "$SQLITE")
done
queue_built=$(($(date +%s) - started))
say "All $queued devices in the queue after ${queue_built}s"

# The backend's RSS at rest with the whole queue loaded, before any fetch.
say "Sampling the backend's RSS at rest for 10 s"
: >"$TMP/rss-idle"
rss_sampler "$BACKEND_PID" "$TMP/rss-idle" &
SAMPLER_PID=$!
sleep 10
kill "$SAMPLER_PID" 2>/dev/null || true
wait "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""

# The very same bytes as static files, for nginx and the Node references
# (a sample fetched from the door is compared byte for byte).
say "Rendering every configuration as a static file"
timeout 600 node -r "$TS_LOADER" "$HERE/render-all.cjs" "$SQLITE" "$TMP/static" "http://127.0.0.1:$DOOR_PORT"
first_path=$(head -1 "$TMP/paths.txt")

# run_reference <label> <script> <what> <port offset>: one of the Node reference servers,
# started on the static files, loaded like the others, stopped.
run_reference() {
  local label=$1 script=$2 what=$3 offset=$4 port
  port=$(free_port "$offset")
  say "Starting $what on 127.0.0.1:$port (reference)"
  node "$HERE/$script" "$TMP/static" "$port" >"$TMP/$label.log" 2>&1 &
  NGINX_PID=$!
  for _ in $(seq 1 100); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$first_path")" = 200 ] && break
    sleep 0.1
  done
  run_wrk "$label" "http://127.0.0.1:$port" "" "$NGINX_PID"
  kill "$NGINX_PID"
  wait "$NGINX_PID" 2>/dev/null || true
  NGINX_PID=""
}

# The floor of Node's connection handling (node:net, the path cut from the
# first line, a response prepared beforehand: no parser, no recording), run
# right before the door (the backend at rest beside it) and again right
# after it: a machine's speed drifts by tens of per cent within minutes,
# and the door is compared with the mean of the two.
run_reference node-net-floor-before node-net-floor.cjs "the node:net floor" 5

# 1. The dedicated device door, while no device has been fetched but the
#    renderer's sample.
store snapshot "$SQLITE" "$TMP/baseline-door.json"
run_wrk ztp-door "http://127.0.0.1:$DOOR_PORT" "" "$BACKEND_PID"
wait_idle
say "Checking that every device served a 200 is recorded as Loaded"
store verify "$SQLITE" "$TMP/wrk-ztp-door.served" "$TMP/baseline-door.json" |
  tee "$TMP/verify-ztp-door.json" || true

# 2. The same door on the plugin router, behind Backstage's HTTP stack.
if [ "$ROUTER" = 1 ]; then
  store snapshot "$SQLITE" "$TMP/baseline-router.json"
  run_wrk plugin-router "http://127.0.0.1:$BACKEND_PORT" /api/ztp/provision "$BACKEND_PID"
  wait_idle
  store verify "$SQLITE" "$TMP/wrk-plugin-router.served" "$TMP/baseline-router.json" |
    tee "$TMP/verify-plugin-router.json" || true
fi

say "Stopping the backend"
kill "$BACKEND_PID"
for _ in $(seq 1 300); do kill -0 "$BACKEND_PID" 2>/dev/null || break; sleep 0.1; done
kill -9 "$BACKEND_PID" 2>/dev/null || true
BACKEND_PID=""

# The floor again, right after the door.
run_reference node-net-floor node-net-floor.cjs "the node:net floor" 5

# 3. nginx serving the very same bytes as static files.

mkdir -p "$TMP/nginx/tmp"
cat >"$TMP/nginx/nginx.conf" <<EOF
worker_processes auto;
daemon off;
user root;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events {
  worker_connections 4096;
}
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types {}
  default_type "text/plain; charset=utf-8";
  client_body_temp_path $TMP/nginx/tmp/body;
  proxy_temp_path $TMP/nginx/tmp/proxy;
  fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
  scgi_temp_path $TMP/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    root $TMP/static;
    add_header Cache-Control no-store;
  }
}
EOF
say "Starting nginx on 127.0.0.1:$NGINX_PORT"
nginx -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 1 50); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT$first_path")" = 200 ] && break
  sleep 0.1
done
run_wrk nginx "http://127.0.0.1:$NGINX_PORT" "" "$NGINX_PID"
kill "$NGINX_PID"
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=""

# 4. The ceiling of any Node implementation: a bare node:http server with the
#    same files in memory (no lookup, no recording).
run_reference bare-node bare-node.cjs "a bare Node HTTP server" 4

mkdir -p "$ROOT/bench/results"
RESULTS="$ROOT/bench/results/provisioning-$(date +%Y%m%d-%H%M%S).txt"
# This storm boots nothing: the logins per device come from the last fleet
# boot of bench/fleet/run.cjs --boot, named with it.
LOGINS="not measured yet (run node bench/fleet/run.cjs --boot)"
# No fleet boot yet (a fresh clone) is not an error.
LAST_BOOT=$(grep -l "SSH logins per device" "$ROOT"/bench/results/fleet-*.md 2>/dev/null | xargs -r ls -t | head -1 || true)
if [ -n "$LAST_BOOT" ]; then
  LOGINS="$(grep "SSH logins per device" "$LAST_BOOT" | awk -F'|' '{print $3}' | xargs) (min / max; total; devices logged into more than once; refused), from $(basename "$LAST_BOOT")"
fi
node "$HERE/report.cjs" "$TMP" "$RESULTS" \
  "ssh logins per device=$LOGINS" \
  "devices=$DEVICES" "duration=${DURATION}s" "connections=$CONNECTIONS" \
  "threads=$THREADS" "wrk timeout=${TIMEOUT}s" \
  "database=$([ "$DATABASE" = postgres ] && echo "PostgreSQL $(psql --version | awk '{print $3}') (fsync on)" || echo "SQLite file, journal $([ "$WAL" = 1 ] && echo wal || echo delete) at start")" \
  "backend=$([ "$BUILT" = 1 ] && echo "built (production bundle)" || echo "from source (Backstage's TypeScript transform)")" \
  "MALLOC_ARENA_MAX=$([ "$MALLOC_ARENAS" = 0 ] && echo "glibc's default" || echo "$MALLOC_ARENAS")" \
  "door opened after=${startup}s" \
  "all devices queued after=${queue_built}s" \
  "load average before the run=$LOAD_BEFORE" \
  "load average after=$(cut -d' ' -f1-3 /proc/loadavg)" \
  "nginx=$(nginx -v 2>&1 | sed 's#.*/##')" \
  "wrk=$(wrk -v 2>&1 | head -1 | awk '{print $2}')" \
  "node=$(node --version)"
# Both are written when the backend exits (done above).
# One profile per thread (the main thread, the door's, the hashing pool's),
# numbered as node numbers them.
n=0
for f in "$TMP"/profile/*.cpuprofile; do
  [ -f "$f" ] || continue
  cp "$f" "${RESULTS%.txt}.thread-$n.cpuprofile" && say "CPU profile: ${RESULTS%.txt}.thread-$n.cpuprofile"
  n=$((n + 1))
done
if [ -f "$TMP/sql-trace.txt" ]; then
  cp "$TMP/sql-trace.txt" "${RESULTS%.txt}.sql.txt"
  say "SQL statements, slowest first (${RESULTS%.txt}.sql.txt):"
  head -15 "$TMP/sql-trace.txt" | cut -c1-200
fi
