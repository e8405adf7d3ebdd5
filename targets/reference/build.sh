#!/bin/sh
# Builds the reference system's static binaries into dist/.
set -eu
cd "$(dirname "$0")"
mkdir -p dist
for cmd in cmd/*/; do
	name=$(basename "$cmd")
	CGO_ENABLED=0 go build -trimpath -ldflags='-s -w' -o "dist/$name" "./cmd/$name"
	echo "built dist/$name"
done
