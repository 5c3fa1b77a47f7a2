#!/usr/bin/env bash
# Local PostgreSQL for FireFly's shared store: initialises a cluster under data/ on first start,
# starts it on 127.0.0.1 with a password-protected role, and prints the FIREFLY_STORE_URL to use.
# Needs Debian's `postgresql` package (apt-get install postgresql); PostgreSQL refuses to run as
# root, so as root the server runs as the `postgres` OS user the package creates.
#
# Usage: postgres-dev.sh [start|stop|status|url]        (default: start)
#
# Environment (defaults in brackets):
#   FIREFLY_POSTGRES_PORT [5433]  TCP port (5433 leaves a system cluster on 5432 alone)
#   FIREFLY_DATA_DIR [data]       the cluster lives in its postgres/ folder; relative paths are
#                                 resolved against the repository root
#   FIREFLY_POSTGRES_DIR          the cluster's directory itself, when it must live elsewhere
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

PORT="${FIREFLY_POSTGRES_PORT:-5433}"
DATA_DIR="${FIREFLY_DATA_DIR:-data}"
[[ "$DATA_DIR" = /* ]] || DATA_DIR="$ROOT/$DATA_DIR"
CLUSTER_DIR="${FIREFLY_POSTGRES_DIR:-$DATA_DIR/postgres}"
LOG_FILE="$CLUSTER_DIR.log"
LOCK_FILE="$CLUSTER_DIR.lock"
# A development role and database; the password is only for this local cluster.
ROLE="firefly"
PASSWORD="firefly"
DATABASE="firefly"
URL="postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
START_TIMEOUT_S=60

log() { printf '[postgres-dev] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The newest installed server's bin directory (Debian keeps them in /usr/lib/postgresql/N/bin).
# Installs Debian's postgresql first when none is there (as root; see scripts/debian-package.sh).
pg_bin() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [[ ! -x "$dir/pg_ctl" ]]; then
    bash "$ROOT/scripts/debian-package.sh" postgresql >&2 || die "no PostgreSQL server found: apt-get install postgresql"
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  fi
  [[ -x "$dir/pg_ctl" ]] || die "no PostgreSQL server found: apt-get install postgresql"
  echo "$dir"
}

# Runs a server command as a non-root user: `postgres` when we are root, else ourselves.
as_owner() {
  if ((EUID == 0)); then
    id postgres >/dev/null 2>&1 || die "no 'postgres' OS user to run the server as (the postgresql package creates it)"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

psql_admin() {
  PGPASSWORD="$PASSWORD" "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$ROLE" "$@"
}

is_running() {
  [[ -f "$CLUSTER_DIR/PG_VERSION" ]] && as_owner "$BIN/pg_ctl" status -D "$CLUSTER_DIR" >/dev/null 2>&1
}

# Serializes start/stop per cluster: two test runs must not both initialise one directory.
take_lock() {
  mkdir -p "$(dirname "$CLUSTER_DIR")"
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$LOCK_FILE"
  flock -w $((START_TIMEOUT_S + 30)) 9 || die "another postgres-dev.sh holds $LOCK_FILE"
}

init_cluster() {
  mkdir -p "$CLUSTER_DIR"
  if ((EUID == 0)); then
    chown postgres: "$CLUSTER_DIR" "$(dirname "$LOG_FILE")"
    runuser -u postgres -- test -w "$CLUSTER_DIR" \
      || die "the postgres OS user cannot reach $CLUSTER_DIR (a parent directory is closed to it): set FIREFLY_POSTGRES_DIR to a directory it can reach"
  fi
  chmod 700 "$CLUSTER_DIR"
  log "initialising a cluster in $CLUSTER_DIR (role $ROLE)"
  local pwfile
  pwfile="$(mktemp)"
  printf '%s\n' "$PASSWORD" >"$pwfile"
  ((EUID == 0)) && chown postgres: "$pwfile"
  # Password checks on TCP (a wrong password must fail), no Unix socket (paths under data/ can
  # exceed the socket path limit).
  as_owner "$BIN/initdb" -D "$CLUSTER_DIR" -U "$ROLE" --pwfile="$pwfile" --auth-host=scram-sha-256 \
    --auth-local=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null \
    || { rm -f "$pwfile"; die "initdb failed in $CLUSTER_DIR"; }
  rm -f "$pwfile"
}

cmd_start() {
  take_lock
  [[ -f "$CLUSTER_DIR/PG_VERSION" ]] || init_cluster
  if ! is_running; then
    log "starting PostgreSQL on 127.0.0.1:$PORT (log: $LOG_FILE)"
    touch "$LOG_FILE"
    ((EUID == 0)) && chown postgres: "$LOG_FILE"
    # fd 9 (the lock) is closed so that the server does not hold it for as long as it runs.
    as_owner "$BIN/pg_ctl" start -D "$CLUSTER_DIR" -l "$LOG_FILE" -w -t "$START_TIMEOUT_S" \
      -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=''" >/dev/null 9>&- \
      || { tail -n 30 "$LOG_FILE" >&2; die "PostgreSQL did not start"; }
  fi
  if [[ -z "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" ]]; then
    psql_admin -d postgres -c "CREATE DATABASE $DATABASE" || die "could not create database $DATABASE"
  fi
  echo "PostgreSQL running at 127.0.0.1:$PORT (cluster $CLUSTER_DIR)"
  echo "  FIREFLY_STORE_URL=$URL"
}

cmd_stop() {
  take_lock
  if ! is_running; then
    echo "PostgreSQL not running (cluster $CLUSTER_DIR)."
    return
  fi
  as_owner "$BIN/pg_ctl" stop -D "$CLUSTER_DIR" -m fast -w >/dev/null
  echo "PostgreSQL stopped (cluster $CLUSTER_DIR)."
}

cmd_status() {
  if is_running; then
    echo "PostgreSQL running at 127.0.0.1:$PORT (cluster $CLUSTER_DIR)"
    return 0
  fi
  echo "PostgreSQL not running (cluster $CLUSTER_DIR)."
  return 1
}

main() {
  local command="${1:-start}"
  case "$command" in
    start | stop | status) BIN="$(pg_bin)" ;;
    url) echo "$URL"; return ;;
    -h | --help | help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; return ;;
    *) die "unknown command '$command' (use start, stop, status or url)" ;;
  esac
  case "$command" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
  esac
}

main "$@"
