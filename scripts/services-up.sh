#!/usr/bin/env bash
# services-up.sh SERVICE... - starts the local services the optional test suites need and
# prints one line per service on stdout: `postgres <url>`. Each service's logic is in its
# own script (scripts/pg-up.sh); this one only dispatches. Idempotent; needs root.
#   eval "$(scripts/services-up.sh postgres | awk '$1=="postgres"{print "export LABBOOK_TEST_POSTGRES=" $2}')"
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
[ "$#" -gt 0 ] || { echo "usage: services-up.sh postgres" >&2; exit 2; }
for service in "$@"; do
  case "$service" in
    postgres) echo "postgres $(bash "$here/pg-up.sh")" ;;
    *) echo "services-up: unknown service '$service' (known: postgres)" >&2; exit 2 ;;
  esac
done
