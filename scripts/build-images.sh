#!/usr/bin/env bash
# Builds the images the bundled reference needs; skips what is already built from the same sources.
set -euo pipefail
cd "$(dirname "$0")/.."
QUIET=0
[[ "${1:-}" == "--quiet" ]] && QUIET=1
say() { [[ $QUIET == 1 ]] || echo "images: $*"; }
die() { echo "images: error: $*" >&2; exit 1; }
has_image() { docker image inspect "$1" >/dev/null 2>&1; }

# Redis: redis:7 when present or pullable, else Debian's redis-server with the libraries ldd lists.
REDIS_IMAGE=auth-gauntlet/redis:local
if ! has_image $REDIS_IMAGE; then
  if has_image redis:7 || timeout 20 docker pull -q redis:7 >/dev/null 2>&1; then
    docker tag redis:7 $REDIS_IMAGE
  else
    say "building $REDIS_IMAGE from Debian's redis-server"
    if ! command -v redis-server >/dev/null; then
      [[ $(id -u) == 0 ]] || die "redis-server is not installed and this is not root: apt-get install redis-server"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; }
    fi
    ctx=$(mktemp -d)
    bin=$(readlink -f "$(command -v redis-server)")
    mkdir -p "$ctx/root/usr/bin" "$ctx/root/tmp"
    cp "$bin" "$ctx/root/usr/bin/redis-server"
    for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
      mkdir -p "$ctx/root$(dirname "$lib")"
      cp -L "$lib" "$ctx/root$lib"
    done
    printf 'FROM scratch\nCOPY root/ /\nENTRYPOINT ["/usr/bin/redis-server"]\n' > "$ctx/Dockerfile"
    log=$(docker build -q -t $REDIS_IMAGE "$ctx" 2>&1) || die "docker build of $REDIS_IMAGE failed: $log"
    rm -rf "$ctx"
  fi
fi

# Go reference services: static binaries, FROM scratch.
REF=targets/reference
command -v go >/dev/null || die "Go is needed to build the reference system (https://go.dev/dl, or apt-get install golang)"
src_hash=$(cd $REF && find . -path ./dist -prune -o -type f \( -name '*.go' -o -name 'go.mod' -o -name 'go.sum' -o -name 'Dockerfile.*' \) -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
for svc in $(cd $REF && ls Dockerfile.* | sed 's/Dockerfile\.//'); do
  image=auth-gauntlet/reference-$svc:dev
  fresh=0
  has_image $image && [[ "$(docker image inspect -f '{{index .Config.Labels "gauntlet.src"}}' $image)" == "$src_hash" ]] && fresh=1
  # the binary is also used directly (the harness's own url-target test runs it as a "deployment")
  if [[ $fresh == 0 || ! -x $REF/dist/$svc ]]; then
    say "building $REF/dist/$svc"
    (cd $REF && CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o dist/$svc ./cmd/$svc)
  fi
  if [[ $fresh == 0 ]]; then
    say "building $image"
    log=$(docker build -q --label gauntlet.src=$src_hash -t $image -f $REF/Dockerfile.$svc $REF 2>&1) || die "docker build of $image failed: $log"
  fi
done
