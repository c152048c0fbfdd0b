#!/usr/bin/env bash
# A private redis-server (Debian package redis-server) for the test suite: its own port and data
# directory, no persistence. Usage: scripts/redis.sh start|stop|status
set -euo pipefail

port="${REDIS_PORT:-16379}"
dir="${REDIS_DATA_DIR:-${TMPDIR:-/tmp}/kafka-edge-proxy-redis-$port}"
pidfile="$dir/redis.pid"

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && redis-cli -p "$port" ping >/dev/null 2>&1
}

case "${1:-}" in
  start)
    if running; then
      echo "redis://127.0.0.1:$port"
      exit 0
    fi
    command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install redis-server)" >&2; exit 1; }
    mkdir -p "$dir"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --daemonize yes --pidfile "$pidfile" \
      --logfile "$dir/redis.log" --save "" --appendonly no >/dev/null
    for _ in $(seq 1 100); do
      if redis-cli -p "$port" ping >/dev/null 2>&1; then
        echo "redis://127.0.0.1:$port"
        exit 0
      fi
      sleep 0.1
    done
    echo "redis-server did not answer on port $port; log:" >&2
    tail -n 20 "$dir/redis.log" >&2 || true
    exit 1
    ;;
  stop)
    if [ -f "$pidfile" ]; then
      # Read the pid once: redis-server removes its pidfile as it exits.
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      rm -f "$pidfile"
    fi
    ;;
  status)
    if running; then echo "redis://127.0.0.1:$port"; else exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
