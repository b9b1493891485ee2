#!/usr/bin/env bash
# services-down.sh SERVICE... - stops what services-up.sh started; data is kept. Harmless when
# a service is not running.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ "$#" -gt 0 ] || { echo "usage: services-down.sh postgres" >&2; exit 2; }
for service in "$@"; do
  case "$service" in
    postgres) bash "$here/pg-down.sh" ;;
    *) echo "services-down: unknown service '$service' (known: postgres)" >&2; exit 2 ;;
  esac
done
