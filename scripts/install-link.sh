#!/bin/sh
# `make install` and `make uninstall`: the labbook command on PATH is a link DIR/labbook to
# this checkout's bin/labbook, which finds its build and its Node.js in the checkout wherever
# the link is. So nothing is copied, no root is needed, and a rebuild (make build, git pull)
# is what the installed command runs next time; moving or deleting the checkout breaks it.
#   scripts/install-link.sh install ~/.local/bin
#   scripts/install-link.sh uninstall ~/.local/bin
set -eu
action=$1
dir=$2
target=$(cd "$(dirname "$0")/.." && pwd)/bin/labbook
link=$dir/labbook

case $action in
install)
  if [ -e "$link" ] && [ ! -L "$link" ]; then
    echo "make install: $link exists and is not a link to a labbook checkout: remove it, or install elsewhere with PREFIX=DIR (links DIR/bin/labbook)" >&2
    exit 1
  fi
  mkdir -p "$dir"
  ln -sfn "$target" "$link"
  echo "Linked $link -> $target"
  case ":$PATH:" in
    *":$dir:"*) ;;
    *) echo "make install: $dir is not on your PATH: add it (e.g. echo 'export PATH=\"$dir:\$PATH\"' >> ~/.profile, then log in again)" >&2 ;;
  esac
  ;;
uninstall)
  if [ -L "$link" ] && [ "$(readlink "$link")" = "$target" ]; then
    rm "$link"
    echo "Removed $link"
  elif [ -e "$link" ] || [ -L "$link" ]; then
    echo "make uninstall: $link is not a link to this checkout's $target; left as it is" >&2
    exit 1
  else
    echo "make uninstall: there is no $link; nothing to remove"
  fi
  ;;
*)
  echo "usage: $0 install|uninstall DIR" >&2
  exit 2
  ;;
esac
