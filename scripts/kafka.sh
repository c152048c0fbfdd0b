#!/usr/bin/env bash
# Runs a real single-node KRaft Apache Kafka broker for tests, from Maven Central
# jars and the local JDK (no Docker, no tarball).
#
#   scripts/kafka.sh start              format storage if needed, start, wait until ready
#   scripts/kafka.sh stop [--wipe]      SIGTERM (SIGKILL after a timeout); --wipe deletes the data dir
#   scripts/kafka.sh wipe               same as stop --wipe
#   scripts/kafka.sh restart            stop + start, keeping data
#   scripts/kafka.sh status             exit 0 and print the bootstrap address if running, else exit 1
#   scripts/kafka.sh provision          only download the jars (e.g. to warm a CI cache)
#   scripts/kafka.sh run-class <MainClass> [args...]   run a Kafka CLI class with the broker classpath
#
# stdout carries only machine-readable output (the bootstrap address, CLI output);
# progress and diagnostics go to stderr.
#
# Environment:
#   KAFKA_PORT (19092)  KAFKA_CONTROLLER_PORT (KAFKA_PORT+1)  KAFKA_VERSION (3.9.2)
#   KAFKA_HOME (~/.cache/kafka-edge-proxy/kafka-$KAFKA_VERSION, jars in libs/)
#   KAFKA_DATA_DIR (${TMPDIR:-/tmp}/kafka-edge-proxy-kafka-$KAFKA_PORT)
#   KAFKA_HEAP_OPTS (-Xms256m -Xmx512m)  KAFKA_OPTS (extra broker JVM flags)
#   KAFKA_CLI_JVM_OPTS  KAFKA_START_TIMEOUT (90 s)  KAFKA_STOP_TIMEOUT (30 s)  JAVA_HOME
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CONF_DIR=$SCRIPT_DIR/kafka

KAFKA_VERSION=${KAFKA_VERSION:-3.9.2}
KAFKA_PORT=${KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}
KAFKA_HOME=${KAFKA_HOME:-$HOME/.cache/kafka-edge-proxy/kafka-$KAFKA_VERSION}
KAFKA_DATA_DIR=${KAFKA_DATA_DIR:-${TMPDIR:-/tmp}/kafka-edge-proxy-kafka-$KAFKA_PORT}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
KAFKA_OPTS=${KAFKA_OPTS:-}
# Short-lived CLIs start noticeably faster with C1 only and the serial GC.
KAFKA_CLI_JVM_OPTS=${KAFKA_CLI_JVM_OPTS:--Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
LIBS=$KAFKA_HOME/libs
BOOTSTRAP=127.0.0.1:$KAFKA_PORT
PROPS=$KAFKA_DATA_DIR/server.properties
PID_FILE=$KAFKA_DATA_DIR/kafka.pid
LOG_FILE=$KAFKA_DATA_DIR/broker.log
LOG_DIRS=$KAFKA_DATA_DIR/kraft-logs
# Outside the data dir so that wipe can remove the whole data dir while holding it.
LOCK_FILE=$KAFKA_DATA_DIR.lock

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
  sed -n '5,11s/^#   //p' "${BASH_SOURCE[0]}" >&2
  exit 2
}

# Serializes start/stop/restart on one data dir (parallel test workers).
# fd 9 must not leak into the broker, see launch_broker.
LOCKED=false
lock_data_dir() {
  $LOCKED && return
  mkdir -p "$(dirname "$KAFKA_DATA_DIR")"
  exec 9>"$LOCK_FILE"
  if command -v flock >/dev/null; then flock 9; fi
  LOCKED=true
}

ensure_libs() {
  [[ -f $LIBS/.complete ]] && return
  command -v mvn >/dev/null || die "mvn not found; it is needed once to download the Kafka jars"
  mkdir -p "$KAFKA_HOME"
  exec 8>"$KAFKA_HOME/.lock"
  if command -v flock >/dev/null; then flock 8; fi
  if [[ ! -f $LIBS/.complete ]]; then
    log "downloading Kafka $KAFKA_VERSION jars from Maven Central into $LIBS"
    local tmp
    tmp=$(mktemp -d "$KAFKA_HOME/libs.tmp.XXXXXX")
    # Copy into a temp dir and rename, so an interrupted download is never mistaken for a cache.
    mvn -q -B -Dstyle.color=never -f "$CONF_DIR/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp" >&2 ||
      { rm -rf "$tmp"; die "jar download failed"; }
    rm -rf "$LIBS"
    mv "$tmp" "$LIBS"
    touch "$LIBS/.complete"
  fi
  exec 8>&-
}

run_class() {
  ensure_libs
  local opts
  read -ra opts <<<"$KAFKA_CLI_JVM_OPTS"
  "$JAVA" "${opts[@]}" -Dlog4j.configuration="file:$CONF_DIR/tools-log4j.properties" \
    -cp "$LIBS/*" "$@"
}

# A zombie (our own child after kill) still answers kill -0, so ask ps for the state.
is_alive() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $state != Z* ]]
}

# Prints the broker pid if the pid file points at a live broker of this data dir
# (guards against stale pid files whose pid was reused).
broker_pid() {
  local pid
  [[ -f $PID_FILE ]] || return 1
  pid=$(<"$PID_FILE")
  [[ $pid =~ ^[0-9]+$ ]] && is_alive "$pid" || return 1
  ps -ww -o args= -p "$pid" | grep -qF -- "kafka.Kafka $PROPS" || return 1
  echo "$pid"
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

render_config() {
  mkdir -p "$KAFKA_DATA_DIR"
  sed -e "s|@PORT@|$KAFKA_PORT|g" \
      -e "s|@CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@LOG_DIR@|$LOG_DIRS|g" \
      "$CONF_DIR/server.properties.template" >"$PROPS"
}

# 16 random bytes, base64url without padding: the format of org.apache.kafka.common.Uuid.
# A leading '-' is avoided like Uuid.randomUuid does, since it reads as a CLI option.
new_cluster_id() {
  local id
  while :; do
    id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')
    [[ $id != -* ]] && break
  done
  echo "$id"
}

format_storage_if_needed() {
  [[ -f $LOG_DIRS/meta.properties ]] && return
  log "formatting storage in $LOG_DIRS"
  run_class kafka.tools.StorageTool format -t "$(new_cluster_id)" -c "$PROPS" >&2
}

launch_broker() {
  local heap extra
  read -ra heap <<<"$KAFKA_HEAP_OPTS"
  read -ra extra <<<"$KAFKA_OPTS"
  [[ -f $LOG_FILE ]] && mv -f "$LOG_FILE" "$LOG_FILE.prev"
  nohup "$JAVA" "${heap[@]}" -XX:+UseG1GC -Djava.awt.headless=true "${extra[@]}" \
    -Dlog4j.configuration="file:$CONF_DIR/log4j.properties" \
    -cp "$LIBS/*" kafka.Kafka "$PROPS" </dev/null >"$LOG_FILE" 2>&1 9>&- &
  echo $! >"$PID_FILE"
}

fail_start() {
  log "$1; last lines of $LOG_FILE:"
  tail -n 40 "$LOG_FILE" >&2 || true
  stop_broker
  exit 1
}

# The log line is a cheap gate; the metadata call proves a client is really served.
wait_ready() {
  local pid=$1 deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  until grep -q 'Kafka Server started' "$LOG_FILE" 2>/dev/null; do
    is_alive "$pid" || fail_start "broker exited during startup"
    ((SECONDS < deadline)) || fail_start "broker not ready after ${KAFKA_START_TIMEOUT}s"
    sleep 0.3
  done
  # timeout(1) needs an executable, so re-enter this script rather than call run_class.
  until timeout 30 "${BASH_SOURCE[0]}" run-class org.apache.kafka.tools.TopicCommand \
      --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1; do
    is_alive "$pid" || fail_start "broker exited during startup"
    ((SECONDS < deadline)) || fail_start "broker does not answer metadata after ${KAFKA_START_TIMEOUT}s"
    sleep 1
  done
}

stop_broker() {
  local pid
  pid=$(broker_pid) || { log "not running"; rm -f "$PID_FILE"; return 0; }
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  wait_exit "$pid" "$KAFKA_STOP_TIMEOUT" && { rm -f "$PID_FILE"; return 0; }
  log "broker still running after ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  wait_exit "$pid" 10 || die "could not kill broker pid $pid"
  rm -f "$PID_FILE"
}

wait_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while is_alive "$pid"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# Refuses paths that rm -rf must never see, and dirs this script did not create.
wipe_data_dir() {
  [[ -d $KAFKA_DATA_DIR ]] || return 0
  case $(cd "$KAFKA_DATA_DIR" && pwd -P) in
    / | "$HOME" | "$(cd "$HOME" && pwd -P)") die "refusing to wipe $KAFKA_DATA_DIR" ;;
  esac
  [[ -f $PROPS || -d $LOG_DIRS ]] || die "refusing to wipe $KAFKA_DATA_DIR: not a kafka.sh data dir"
  log "removing $KAFKA_DATA_DIR"
  rm -rf "$KAFKA_DATA_DIR"
}

cmd_start() {
  lock_data_dir
  local pid port
  if pid=$(broker_pid); then
    if port_open "$KAFKA_PORT"; then
      log "already running (pid $pid)"
    else
      log "broker pid $pid is up but not answering yet, waiting"
      wait_ready "$pid"
    fi
    echo "$BOOTSTRAP"
    return
  fi
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    port_open "$port" && die "port $port is in use by another process"
  done
  ensure_libs
  render_config
  format_storage_if_needed
  launch_broker
  pid=$(<"$PID_FILE")
  log "started broker pid $pid (log: $LOG_FILE), waiting until ready"
  wait_ready "$pid"
  log "ready (${SECONDS}s since this command started)"
  echo "$BOOTSTRAP"
}

cmd_stop() {
  local wipe=false
  case ${1:-} in
    "") ;;
    --wipe) wipe=true ;;
    *) usage ;;
  esac
  lock_data_dir
  stop_broker
  if $wipe; then wipe_data_dir; fi
}

cmd_status() {
  local pid
  if pid=$(broker_pid) && port_open "$KAFKA_PORT"; then
    log "running (pid $pid, data: $KAFKA_DATA_DIR)"
    echo "$BOOTSTRAP"
    return 0
  fi
  log "not running"
  return 1
}

main() {
  local cmd=${1:-}
  [[ $# -gt 0 ]] && shift
  case $cmd in
    start) cmd_start ;;
    stop) cmd_stop "$@" ;;
    wipe) cmd_stop --wipe ;;
    restart) cmd_stop && cmd_start ;;
    status) cmd_status ;;
    provision) ensure_libs && echo "$LIBS" ;;
    run-class) [[ $# -ge 1 ]] || usage; run_class "$@" ;;
    *) usage ;;
  esac
}

main "$@"
