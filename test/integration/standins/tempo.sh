#!/bin/sh
# Stand-in (fake) for grafana/tempo 3. Stores nothing. Answers the compose healthcheck's "/tempo -health".
NAME=tempo
. /standin/common.sh
case " $* " in *" -health "*) exec wget -q -O /dev/null http://127.0.0.1:3200/ready ;; esac
trap 'kill 0; exit 0' TERM INT
config=/etc/tempo/tempo.yaml
for arg in "$@"; do case "$arg" in -config.file=*) config="${arg#-config.file=}" ;; esac; done
[ -f "$config" ] || fail "no config at $config"
# Tempo 3 parses its config strictly: the 2.x sections stop it at start.
grep -qE '^(ingester|compactor|ingester_client|metrics_generator_client):' "$config" && fail "2.x sections in $config"
grep -q '"0.0.0.0:4317"' "$config" || fail "the OTLP gRPC receiver does not bind 0.0.0.0:4317"
touch /var/tempo/standin || fail "cannot write /var/tempo as uid $(id -u)"
httpd -f -p 3200 -h /www/tempo &
nc -ll -p 4317 -e /standin/otlp-http.sh &
echo "stand-in $NAME: config $config accepted; /var/tempo writable"
wait
