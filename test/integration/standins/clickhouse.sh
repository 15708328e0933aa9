#!/bin/sh
# Stand-in (fake) for clickhouse/clickhouse-server. Stores nothing; answers /ping on 8123 and listens on 9000.
NAME=clickhouse
. /standin/common.sh
trap 'kill 0; exit 0' TERM INT
[ -f /etc/clickhouse-server/config.d/stackgen.yaml ] || fail "config.d/stackgen.yaml is not mounted"
grep -q 'host: clickhouse-keeper' /etc/clickhouse-server/config.d/stackgen.yaml || fail "no keeper in the config"
[ -f /etc/clickhouse-server/functions.yaml ] || fail "functions.yaml is not mounted"
# clickhouse-user-scripts must have completed before ClickHouse starts.
[ -x /var/lib/clickhouse/user_scripts/histogramQuantile ] || fail "histogramQuantile is not in the user scripts volume"
mkdir -p /var/lib/clickhouse/standin || fail "cannot write /var/lib/clickhouse"
httpd -f -p 8123 -h /www/clickhouse &
nc -ll -p 9000 -e /bin/cat &
echo "stand-in $NAME: config, functions and histogramQuantile in place"
wait
