#!/bin/sh
# Stand-in (fake) for /signoz-otel-collector. Processes no telemetry.
NAME=signoz-otel-collector
. /standin/common.sh
trap 'kill 0; exit 0' TERM INT
# "/signoz-otel-collector migrate …" runs the schema migrations (the image has no separate migrate program).
[ "${1:-}" = migrate ] && { shift; exec /standin/migrate.sh "$@"; }
config="" manager=""
for arg in "$@"; do
  case "$arg" in --config=*) config="${arg#--config=}" ;; --manager-config=*) manager="${arg#--manager-config=}" ;; esac
done
[ -f "$config" ] || fail "no config at '$config'"
[ -f "$manager" ] || fail "no OpAMP config at '$manager'"
grep -q '"0.0.0.0:4317"' "$config" || fail "the gRPC receiver does not bind 0.0.0.0:4317"
grep -q 'datasource: tcp://clickhouse:9000/signoz_traces' "$config" || fail "traces do not go to ClickHouse"
grep -Eq 'server_endpoint: "?ws://signoz:4320/v1/opamp"?$' "$manager" || fail "OpAMP does not point at signoz"
nc -ll -p 4318 -e /standin/otlp-http.sh &
nc -ll -p 4317 -e /standin/otlp-http.sh &
httpd -f -p 13133 -h /www/health &
httpd -f -p 8888 -h /www/metrics &
echo "stand-in $NAME: config $config accepted"
wait
