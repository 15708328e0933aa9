#!/bin/sh
# Stand-in (fake) for grafana/loki 3. Answers the compose healthcheck's "/usr/bin/loki -health", keeps the
# OTLP/HTTP log exports it receives, and answers the one query "stackgen verify" sends (loki-http.sh).
NAME=loki
. /standin/common.sh
case " $* " in *" -health "*) exec wget -q -O /dev/null http://127.0.0.1:3100/ready ;; esac
trap 'kill 0; exit 0' TERM INT
config=/etc/loki/local-config.yaml
for arg in "$@"; do case "$arg" in -config.file=*) config="${arg#-config.file=}" ;; esac; done
[ -f "$config" ] || fail "no config at $config"
grep -q '^  http_listen_port: 3100$' "$config" || fail "the HTTP API does not listen on 3100"
# What Loki 3 itself refuses to start without (pkg/compactor/config.go, the v13 schema for OTLP).
grep -q '^  retention_enabled: true$' "$config" && ! grep -q '^  delete_request_store: ' "$config" &&
  fail "compactor.delete-request-store should be configured when retention is enabled"
grep -q 'schema: v13' "$config" || fail "no v13 schema: Loki 3 keeps OTLP structured metadata only there"
mkdir -p /loki/records || fail "cannot write /loki as uid $(id -u)"
nc -ll -p 3100 -e /standin/loki-http.sh &
echo "stand-in $NAME: config $config accepted; /loki writable"
wait
