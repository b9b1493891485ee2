#!/usr/bin/env bash
# mariadb-down.sh - stop the MariaDB started by mariadb-up.sh (no systemd).
# Harmless when it is already stopped or not installed. Data is kept.
set -euo pipefail

log() { echo "mariadb-down: $*" >&2; }

[ "$(id -u)" -eq 0 ] || { echo "mariadb-down: run as root" >&2; exit 1; }

if ! command -v mariadb-admin >/dev/null 2>&1; then
    log "MariaDB is not installed: nothing to stop"
    exit 0
fi

# A clean shutdown over the socket also ends mysqld_safe, which sees mariadbd exit normally.
if mariadb-admin --protocol=socket ping >/dev/null 2>&1; then
    mariadb-admin --protocol=socket shutdown >&2
    log "stopped"
else
    log "not running"
fi
