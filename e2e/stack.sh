#!/usr/bin/env bash
# Starts what the end-to-end test drives: the simulated fleet, the backend
# and the frontend, on a throw-away SQLite directory so the test never
# touches .data/. Playwright starts it as the leader of a process group of its
# own and stops that group by its id (SIGTERM, then SIGKILL); the trap removes
# the data directory. Nothing here or in scripts/test.sh kills by name.
set -euo pipefail
cd "$(dirname "$0")/.."
export ZTP_SECRETS_KEY="${ZTP_SECRETS_KEY:-e2e-only-secret-key-0123456789}"
data="$(mktemp -d /tmp/ztp-e2e.XXXXXX)"
export APP_CONFIG_backend_database_connection_directory="$data"
# Quick retries so the test sees devices reach Checked soon after boot.
export APP_CONFIG_ztp_serialCheck_retryInitialDelayMs=1000
export APP_CONFIG_ztp_serialCheck_retryMaxDelayMs=3000
export APP_CONFIG_ztp_serialCheck_sweepSeconds=1
export APP_CONFIG_ztp_catalogSync_frequencySeconds=3
# Devices declared with the Scaffolder form go to e2e/.declared/ (gitignored,
# emptied here): the test writes the declared device's variables beside them.
declared="$PWD/e2e/.declared"
rm -rf "$declared" && mkdir -p "$declared"
export APP_CONFIG_ztp_scaffolder_localCatalogFile="$declared/declared-devices.yaml"
# The committed catalog locations (read from app-config.yaml, so the list
# cannot drift) and one declaration the catalog must refuse.
APP_CONFIG_catalog_locations="$(node -e '
const fs = require("fs");
const yaml = require("yaml");
const config = yaml.parse(fs.readFileSync("app-config.yaml", "utf8"));
const locations = config.catalog.locations.map(l =>
  l.target === "../../.data/declared-devices.yaml"
    ? { ...l, target: process.env.APP_CONFIG_ztp_scaffolder_localCatalogFile }
    : l,
);
locations.push({ type: "file", target: "../../e2e/fixtures/refused-device.yaml" });
process.stdout.write(JSON.stringify(locations));
')"
export APP_CONFIG_catalog_locations
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$data" "$declared"' EXIT

node packages/ztp-simulator/bin/ztp-simulator \
  --catalog examples/fleet/devices.yaml \
  --overrides examples/fleet/simulator.yaml \
  --provisioning-url http://127.0.0.1:7080 \
  --status-port 7090 &
yarn start &
wait -n
