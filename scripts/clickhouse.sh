#!/usr/bin/env bash
# A private clickhouse-server (Debian package clickhouse-server, 18.16 on bookworm) for the sink
# tests and benchmark: its own HTTP and TCP ports, data directory and minimal config, so it never
# touches the packaged service. Prints the HTTP URL on start and status.
# Usage: scripts/clickhouse.sh start|stop|status
# CLICKHOUSE_PORT (HTTP, default 18123), CLICKHOUSE_TCP_PORT (default HTTP port + 900),
# CLICKHOUSE_DATA_DIR (default $TMPDIR/kafka-edge-proxy-clickhouse-$CLICKHOUSE_PORT).
set -euo pipefail

port="${CLICKHOUSE_PORT:-18123}"
tcp_port="${CLICKHOUSE_TCP_PORT:-$((port + 900))}"
dir="${CLICKHOUSE_DATA_DIR:-${TMPDIR:-/tmp}/kafka-edge-proxy-clickhouse-$port}"
pidfile="$dir/clickhouse.pid"
url="http://127.0.0.1:$port"

ping() {
  curl -sf --max-time 1 "$url/ping" >/dev/null 2>&1
}

running() {
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && ping
}

write_config() {
  mkdir -p "$dir"/data "$dir"/tmp "$dir"/user_files "$dir"/format_schemas "$dir"/log
  # 18.16 configs have the root element <yandex>; users_config is resolved next to config.xml.
  cat >"$dir/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <logger>
        <level>warning</level>
        <log>$dir/log/clickhouse-server.log</log>
        <errorlog>$dir/log/clickhouse-server.err.log</errorlog>
        <size>10M</size>
        <count>1</count>
    </logger>
    <listen_host>127.0.0.1</listen_host>
    <http_port>$port</http_port>
    <tcp_port>$tcp_port</tcp_port>
    <path>$dir/data/</path>
    <tmp_path>$dir/tmp/</tmp_path>
    <user_files_path>$dir/user_files/</user_files_path>
    <format_schema_path>$dir/format_schemas/</format_schema_path>
    <users_config>users.xml</users_config>
    <default_profile>default</default_profile>
    <default_database>default</default_database>
    <timezone>UTC</timezone>
    <!-- As Debian's config: an idle keep-alive connection holds up a shutdown for this long. -->
    <keep_alive_timeout>3</keep_alive_timeout>
    <mark_cache_size>268435456</mark_cache_size>
    <!-- The tests count the INSERTs the server received in system.query_log. -->
    <query_log>
        <database>system</database>
        <table>query_log</table>
        <flush_interval_milliseconds>1000</flush_interval_milliseconds>
    </query_log>
</yandex>
XML
  cat >"$dir/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
    <profiles>
        <default>
            <log_queries>1</log_queries>
        </default>
    </profiles>
    <users>
        <default>
            <password></password>
            <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
            <profile>default</profile>
            <quota>default</quota>
        </default>
    </users>
    <quotas>
        <default/>
    </quotas>
</yandex>
XML
}

case "${1:-}" in
  start)
    if running; then
      echo "$url"
      exit 0
    fi
    server=$(command -v clickhouse-server || echo /usr/sbin/clickhouse-server)
    [ -x "$server" ] || { echo "clickhouse-server is not installed (apt-get install clickhouse-server)" >&2; exit 1; }
    write_config
    nohup "$server" --config-file="$dir/config.xml" </dev/null >"$dir/out.log" 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 1 150); do
      if ping; then
        echo "$url"
        exit 0
      fi
      kill -0 "$(cat "$pidfile")" 2>/dev/null || break
      sleep 0.2
    done
    echo "clickhouse-server did not answer on port $port; log:" >&2
    tail -n 20 "$dir/out.log" "$dir/log/clickhouse-server.err.log" >&2 2>/dev/null || true
    exit 1
    ;;
  stop)
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      # A server that did not stop in 15 s would still hold the port for the next start.
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$pidfile"
    fi
    ;;
  status)
    if running; then echo "$url"; else exit 1; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
