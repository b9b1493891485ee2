#!/usr/bin/env bash
# mariadb-up.sh - start a local MariaDB for the PyExperimenter bench, without systemd.
#
# - installs mariadb-server from Debian's packages if it is missing
# - makes it listen on 127.0.0.1:3306 only (a conf.d file; the main conf is not edited)
# - starts mariadbd through mysqld_safe in the background if it is not running
# - creates user labbook/labbook and database labbook_bench, owned by it
# - checks a real password login over TCP
# - prints the connection facts on stdout as KEY=VALUE lines (logs go to stderr), so
#       set -a; eval "$(sudo scripts/mariadb-up.sh)"; set +a
#   exports MARIADB_HOST, MARIADB_PORT, MARIADB_USER, MARIADB_PASSWORD, MARIADB_DATABASE.
#
# Idempotent: a second run only checks (and restarts the server only if the conf.d file had
# to change). Needs root. Debian 12. Only `make bench` uses it, not the test suites.
# Environment (defaults): MARIADB_PORT (3306), MARIADB_USER (labbook),
# MARIADB_PASSWORD (labbook), MARIADB_DATABASE (labbook_bench), MARIADB_WAIT_S (60).
set -euo pipefail

MARIADB_PORT="${MARIADB_PORT:-3306}"
MARIADB_USER="${MARIADB_USER:-labbook}"
MARIADB_PASSWORD="${MARIADB_PASSWORD:-labbook}"
MARIADB_DATABASE="${MARIADB_DATABASE:-labbook_bench}"
MARIADB_WAIT_S="${MARIADB_WAIT_S:-60}"

export DEBIAN_FRONTEND=noninteractive

log() { echo "mariadb-up: $*" >&2; }
die() { echo "mariadb-up: ERROR: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root"

# --- 1. packages -----------------------------------------------------------
if ! command -v mariadbd >/dev/null 2>&1 || ! command -v mysqld_safe >/dev/null 2>&1; then
    log "installing mariadb-server (apt)"
    apt-get update -qq >&2
    # Where no init system runs, the postinst's invoke-rc.d refuses to start the server; we
    # start it below either way.
    apt-get install -y -qq --no-install-recommends mariadb-server >&2
fi

# --- 2. configuration -------------------------------------------------------
# Debian's my.cnf includes mariadb.conf.d/*.cnf in name order: a later file wins.
CONF_FILE=/etc/mysql/mariadb.conf.d/90-labbook.cnf
WANT_CONF="# written by mariadb-up.sh (labbook bench)
[mariadbd]
bind-address = 127.0.0.1
port = $MARIADB_PORT
"
conf_changed=0
if [ ! -f "$CONF_FILE" ] || [ "$(cat "$CONF_FILE")" != "$(printf '%s' "$WANT_CONF")" ]; then
    printf '%s' "$WANT_CONF" > "$CONF_FILE"
    conf_changed=1
fi

# Without systemd nobody creates the socket / pid directory under /run.
install -d -o mysql -g mysql -m 0755 /run/mysqld

server_alive() { mariadb-admin --protocol=socket ping >/dev/null 2>&1; }

if server_alive && [ "$conf_changed" = 1 ]; then
    log "conf.d changed: stopping the server to restart it"
    mariadb-admin --protocol=socket shutdown >&2
fi

# --- 3. start -----------------------------------------------------------------
if server_alive; then
    log "server already running"
else
    log "starting mariadbd (mysqld_safe)"
    # mysqld_safe restarts mariadbd if it dies; setsid + nohup keep it past this shell.
    setsid nohup mysqld_safe >/dev/null 2>&1 < /dev/null &
    deadline=$((SECONDS + MARIADB_WAIT_S))
    until server_alive; do
        [ "$SECONDS" -lt "$deadline" ] || {
            tail -n 15 /var/log/mysql/error.log >&2 2>/dev/null || true
            die "server not ready after ${MARIADB_WAIT_S}s"
        }
        sleep 0.2
    done
fi

# --- 4. user and database (as root over the unix socket) ----------------------
mariadb --protocol=socket -u root >&2 <<SQL
CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;
CREATE USER IF NOT EXISTS '$MARIADB_USER'@'127.0.0.1' IDENTIFIED BY '$MARIADB_PASSWORD';
CREATE USER IF NOT EXISTS '$MARIADB_USER'@'localhost' IDENTIFIED BY '$MARIADB_PASSWORD';
ALTER USER '$MARIADB_USER'@'127.0.0.1' IDENTIFIED BY '$MARIADB_PASSWORD';
ALTER USER '$MARIADB_USER'@'localhost' IDENTIFIED BY '$MARIADB_PASSWORD';
GRANT ALL PRIVILEGES ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'127.0.0.1';
GRANT ALL PRIVILEGES ON \`$MARIADB_DATABASE\`.* TO '$MARIADB_USER'@'localhost';
SQL

# --- 5. check a real client login over TCP with the password ------------------
got="$(mariadb --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -u "$MARIADB_USER" -p"$MARIADB_PASSWORD" \
        -N -B -e 'SELECT DATABASE()' "$MARIADB_DATABASE" 2>&1)" || die "login as $MARIADB_USER failed: $got"
[ "$got" = "$MARIADB_DATABASE" ] || die "unexpected answer from server: $got"

log "ready on 127.0.0.1:$MARIADB_PORT"
echo "MARIADB_HOST=127.0.0.1"
echo "MARIADB_PORT=$MARIADB_PORT"
echo "MARIADB_USER=$MARIADB_USER"
echo "MARIADB_PASSWORD=$MARIADB_PASSWORD"
echo "MARIADB_DATABASE=$MARIADB_DATABASE"
