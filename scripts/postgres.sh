# Starts a throw-away PostgreSQL server on loopback for the tests: sourced by
# scripts/test.sh. Exports the connection string Backstage's TestDatabases
# reads, so store and migration tests run against a real server, not Docker.
# Tests run with fsync off; ZTP_TEST_PG_FSYNC=on keeps PostgreSQL's default
# (the provisioning benchmark measures it as in production).
start_test_postgres() {
  local bindir port="${ZTP_TEST_PG_PORT:-55432}"
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [ -n "$bindir" ] || { echo "PostgreSQL is not installed" >&2; return 1; }
  PG_DIR="$(mktemp -d /tmp/ztp-pg.XXXXXX)"
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_DIR"
    as=(runuser -u postgres --)
  fi
  "${as[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  # Another program may hold the port: try the next few before giving up.
  local try
  for try in 0 1 2 3 4; do
    say "Starting PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
    if "${as[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 120 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR -c max_connections=300 -c fsync=${ZTP_TEST_PG_FSYNC:-off}" start >/dev/null; then
      break
    fi
    tail -n 5 "$PG_DIR/log" >&2
    [ "$try" -lt 4 ] || return 1
    port=$((port + 1))
  done
  PG_STOP=("${as[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -m fast stop)
  export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="postgresql://postgres@127.0.0.1:$port"
  export ZTP_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port"
}

stop_test_postgres() {
  if [ -n "${PG_DIR:-}" ]; then
    "${PG_STOP[@]}" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
  fi
}
