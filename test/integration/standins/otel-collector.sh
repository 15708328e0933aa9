#!/bin/sh
# Stand-in (fake) for otel/opentelemetry-collector-contrib. Processes no telemetry.
NAME=otel-collector
. /standin/common.sh
# As PID 1 a shell ignores SIGTERM; stop at once, as the real images do.
trap 'kill 0; exit 0' TERM INT
config=$(config_arg /etc/otelcol-contrib/config.yaml "$@")
[ -f "$config" ] || fail "no config at $config"
grep -q '"0.0.0.0:4317"' "$config" || fail "the gRPC receiver does not bind 0.0.0.0:4317"
grep -q '"0.0.0.0:4318"' "$config" || fail "the HTTP receiver does not bind 0.0.0.0:4318"
grep -q '"0.0.0.0:13133"' "$config" || fail "health_check does not bind 0.0.0.0:13133"
# The endpoint of the Loki exporter (otlp_http/loki or otlphttp/loki), where otlp-http.sh forwards logs.
LOKI_OTLP=$(sed -n '/^  otlp_\{0,1\}http\/loki:/,/endpoint:/s/^ *endpoint: *//p' "$config" | tr -d '"')
export LOKI_OTLP
nc -ll -p 4318 -e /standin/otlp-http.sh &
nc -ll -p 4317 -e /standin/otlp-http.sh &
httpd -f -p 13133 -h /www/health &
httpd -f -p 8888 -h /www/metrics &
httpd -f -p 8889 -h /www/metrics &
echo "stand-in $NAME: config $config accepted; listening on 4317 4318 13133 8888 8889"
wait
