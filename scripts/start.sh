#!/usr/bin/env bash
# Starts the ZTP portal (frontend on :3000, backend on :7007) on the embedded
# default database: SQLite in .data/ inside the working tree, so device state
# survives a restart. Installs whatever is missing first.
source "$(dirname "$0")/env.sh"
cd "$ROOT"

ensure_node
ensure_packages
mkdir -p "$ROOT/.data"

say "Starting the portal: http://localhost:3000 (sign in as guest)"
exec yarn start
