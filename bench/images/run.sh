#!/usr/bin/env bash
# Image benchmark: the ZTP device door serving an approved image to many
# devices at once, against nginx (Debian's) serving the same file to the
# same load, in the same run, one after the other.
#
#   bench/images/run.sh [--clients N] [--size-mib N] [--keep] [--ports BASE]
#                       [--nginx-first] [--stagger-ms N]
#
#   defaults: 200 clients downloading a 512 MiB image at once
#   --ports BASE   listen on BASE..BASE+2 (backend, door, nginx) instead of
#                  free ephemeral ports; also ZTP_BENCH_PORT_BASE
#   --nginx-first  load nginx first, then the door (alternate the order
#                  between runs: whichever goes second finds the machine
#                  warmer, or busier with other work)
#   --stagger-ms N client i starts i × N ms after the first (default 0:
#                  all at once); the aggregate is over the whole batch
#
# Each client is a curl process downloading the whole file (to /dev/null)
# once, all started together; a download that is not a 200 with every byte
# counts as an error. Reported per server: aggregate throughput (bytes over
# the wall time of the whole batch), per-download p50/p99 time, the
# server's RSS before and at its peak during the run (the backend's must not
# grow with the image's size), and errors. The image is random bytes, so
# nothing compresses or dedups; both servers read it from the page cache.
# Everything listens on 127.0.0.1 on free ports. Results go to
# bench/results/images-<date>.txt.
# shellcheck source=../../scripts/env.sh
source "$(dirname "$0")/../../scripts/env.sh"
HERE="$ROOT/bench/images"

CLIENTS=200
SIZE_MIB=512
KEEP=0
ORDER=door-first
STAGGER_MS=0
PORT_BASE="${ZTP_BENCH_PORT_BASE:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) CLIENTS="$2"; shift 2 ;;
    --size-mib) SIZE_MIB="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --ports) PORT_BASE="$2"; shift 2 ;;
    --nginx-first) ORDER=nginx-first; shift ;;
    --stagger-ms) STAGGER_MS="$2"; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) sed -n '2,28p' "$0" >&2; exit 2 ;;
  esac
done

ensure_apt nginx curl
ensure_node
[ -d "$ROOT/node_modules/@backstage/backend-defaults" ] || ensure_packages
TS_LOADER="$ROOT/node_modules/@backstage/cli/config/nodeTransform.cjs"

TMP="$(mktemp -d /tmp/ztp-bench-images.XXXXXX)"
BACKEND_PID=""
NGINX_PID=""
SAMPLER_PID=""
cleanup() {
  local code=$?
  if [ -n "$SAMPLER_PID" ]; then kill "$SAMPLER_PID" 2>/dev/null || true; fi
  if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null || true; fi
  if [ -n "$BACKEND_PID" ] && kill "$BACKEND_PID" 2>/dev/null; then
    for _ in $(seq 1 100); do kill -0 "$BACKEND_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$BACKEND_PID" 2>/dev/null || true
  fi
  if [ "$KEEP" = 1 ] || [ "$code" != 0 ]; then
    echo "Kept $TMP (backend.log, per-download results)"
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
# its children (nginx's workers) summed.
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

rss_now() {
  local pid=$1 total=0 p kb
  for p in "$pid" $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
    kb=$(awk '/^VmRSS:/ {print $2}' /proc/"$p"/status 2>/dev/null || true)
    total=$((total + ${kb:-0}))
  done
  echo "$total"
}

# load <label> <url> <pid>: every client downloads the image once, at once.
load() {
  local label=$1 url=$2 pid=$3
  if [ "$STAGGER_MS" = 0 ]; then
    say "$label: $CLIENTS clients downloading $SIZE_MIB MiB at once"
  else
    say "$label: $CLIENTS clients downloading $SIZE_MIB MiB, ${STAGGER_MS} ms apart"
  fi
  rss_now "$pid" >"$TMP/rss-before-$label"
  : >"$TMP/rss-$label"
  rss_sampler "$pid" "$TMP/rss-$label" &
  SAMPLER_PID=$!
  local start end load
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  start=$(date +%s.%N)
  # 503 (the door's bound) is an error here: the bounds are set above the load.
  if [ "$STAGGER_MS" = 0 ]; then
    seq "$CLIENTS" | xargs -P "$CLIENTS" -I{} \
      curl -s -o /dev/null --max-time 1800 \
        -w '%{http_code} %{size_download} %{time_total}\n' "$url" \
      >"$TMP/downloads-$label.txt" || true
  else
    # One line per client: its delay in seconds.
    seq 0 $((CLIENTS - 1)) |
      awk -v ms="$STAGGER_MS" '{ printf "%.3f\n", $1 * ms / 1000 }' |
      xargs -P "$CLIENTS" -I{} sh -c 'sleep "$1"; exec curl -s -o /dev/null \
        --max-time 1800 -w "%{http_code} %{size_download} %{time_total}\n" "$0"' \
        "$url" {} \
      >"$TMP/downloads-$label.txt" || true
  fi
  end=$(date +%s.%N)
  kill "$SAMPLER_PID" 2>/dev/null || true
  wait "$SAMPLER_PID" 2>/dev/null || true
  SAMPLER_PID=""
  node "$HERE/report.cjs" "$label" "$TMP/downloads-$label.txt" "$SIZE" \
    "$start" "$end" "$TMP/rss-before-$label" "$TMP/rss-$label" "$CLIENTS" |
    tee -a "$TMP/report.txt"
  echo "  (load average at its start: $load)" | tee -a "$TMP/report.txt"
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
SIZE=$((SIZE_MIB * 1024 * 1024))
mkdir -p "$TMP/images"
IMAGE=bench-image.bin
say "Writing a $SIZE_MIB MiB image of random bytes"
head -c "$SIZE" /dev/urandom >"$TMP/images/$IMAGE"
SHA256=$(sha256sum "$TMP/images/$IMAGE" | cut -d' ' -f1)

# The backend needs a catalog; a few devices are enough (downloads from
# addresses that are no device's are served and not recorded).
node "$ROOT/bench/provisioning/generate-fleet.cjs" "$TMP" 10 >/dev/null

BACKEND_PORT=$(free_port 0)
DOOR_PORT=$(free_port 1)
NGINX_PORT=$(free_port 2)
cat >"$TMP/backend-config.yaml" <<EOF
backend:
  baseUrl: http://127.0.0.1:$BACKEND_PORT
  listen:
    host: 127.0.0.1
    port: $BACKEND_PORT
  database:
    client: better-sqlite3
    connection:
      directory: $TMP/db
ztp:
  secrets:
    key: $(head -c 32 /dev/urandom | base64)
  provisioning:
    host: 127.0.0.1
    port: $DOOR_PORT
    tftp: { enabled: false } # HTTP only; port 69 stays the portal's
  images:
    directory: $TMP/images
    downloads:
      maxConcurrent: $((CLIENTS + 56))
      maxPerImage: $((CLIENTS + 56))
    approved:
      - platform: cisco-iosxe
        version: 17.9.4a
        file: $IMAGE
        size: $SIZE
        sha256: $SHA256
EOF

run_door() {
  say "Starting the backend (door on 127.0.0.1:$DOOR_PORT)"
  (
    cd "$ROOT" || exit 1
    exec env NODE_ENV=production ZTP_BENCH_CATALOG="$TMP/catalog.yaml" \
      node -r "$TS_LOADER" "$ROOT/bench/provisioning/backend.cjs" --config "$TMP/backend-config.yaml"
  ) >"$TMP/backend.log" 2>&1 &
  BACKEND_PID=$!
  started=$(date +%s)
  # Served once the door is open and the file verified (hashing takes seconds).
  until [ "$(curl -s -I -o /dev/null -w '%{http_code}' "http://127.0.0.1:$DOOR_PORT/ztp/images/$IMAGE")" = 200 ]; do
    if ! kill -0 "$BACKEND_PID" 2>/dev/null; then
      tail -50 "$TMP/backend.log" >&2
      echo "The backend exited before it served the image" >&2
      exit 1
    fi
    if [ $(($(date +%s) - started)) -gt 600 ]; then
      echo "The image was not served within 600 s" >&2
      exit 1
    fi
    sleep 1
  done
  say "Image verified and served after $(($(date +%s) - started)) s"

  load ztp-door "http://127.0.0.1:$DOOR_PORT/ztp/images/$IMAGE" "$BACKEND_PID"

  say "Stopping the backend"
  kill "$BACKEND_PID"
  for _ in $(seq 1 300); do kill -0 "$BACKEND_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$BACKEND_PID" 2>/dev/null || true
  BACKEND_PID=""
}

run_nginx() {
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
  default_type application/octet-stream;
  client_body_temp_path $TMP/nginx/tmp/body;
  proxy_temp_path $TMP/nginx/tmp/proxy;
  fastcgi_temp_path $TMP/nginx/tmp/fastcgi;
  uwsgi_temp_path $TMP/nginx/tmp/uwsgi;
  scgi_temp_path $TMP/nginx/tmp/scgi;
  server {
    listen 127.0.0.1:$NGINX_PORT backlog=4096;
    root $TMP/images;
  }
}
EOF
say "Starting nginx on 127.0.0.1:$NGINX_PORT"
nginx -e "$TMP/nginx/error.log" -p "$TMP/nginx" -c "$TMP/nginx/nginx.conf" &
NGINX_PID=$!
for _ in $(seq 1 50); do
  [ "$(curl -s -I -o /dev/null -w '%{http_code}' "http://127.0.0.1:$NGINX_PORT/$IMAGE")" = 200 ] && break
  sleep 0.1
done
load nginx "http://127.0.0.1:$NGINX_PORT/$IMAGE" "$NGINX_PID"
kill "$NGINX_PID"
wait "$NGINX_PID" 2>/dev/null || true
NGINX_PID=""
}

if [ "$ORDER" = nginx-first ]; then
  run_nginx
  run_door
else
  run_door
  run_nginx
fi

mkdir -p "$ROOT/bench/results"
OUT="$ROOT/bench/results/images-$(date -u +%Y%m%dT%H%M%SZ).txt"
{
  echo "Image benchmark, $(date -u), $(nproc) CPUs, $CLIENTS clients, $SIZE_MIB MiB, $ORDER, clients started ${STAGGER_MS} ms apart, load average at the start $LOAD_START"
  cat "$TMP/report.txt"
  node "$HERE/report.cjs" --ratio "$TMP/report.txt"
} >"$OUT"
say "Results in $OUT"
cat "$OUT"
