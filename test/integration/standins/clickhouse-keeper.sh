#!/bin/sh
# Stand-in (fake) for clickhouse/clickhouse-keeper: "/usr/bin/clickhouse-keeper --config-file=…".
NAME=clickhouse-keeper
. /standin/common.sh
trap 'kill 0; exit 0' TERM INT
config=""
for arg in "$@"; do case "$arg" in --config-file=*) config="${arg#--config-file=}" ;; esac; done
[ -f "$config" ] || fail "no config at '$config'"
grep -q 'tcp_port: 9181' "$config" || fail "keeper does not listen on 9181"
mkdir -p /var/lib/clickhouse-keeper/coordination || fail "cannot write /var/lib/clickhouse-keeper"
nc -ll -p 9181 -e /bin/cat &
echo "stand-in $NAME: config $config accepted"
wait
