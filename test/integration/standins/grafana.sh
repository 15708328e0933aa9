#!/bin/sh
# Stand-in (fake) for grafana/grafana.
NAME=grafana
. /standin/common.sh
# As PID 1 a shell ignores SIGTERM; stop at once, as the real images do.
trap 'kill 0; exit 0' TERM INT
[ -n "$GF_SECURITY_ADMIN_PASSWORD" ] || fail "GF_SECURITY_ADMIN_PASSWORD is empty (.env not read?)"
[ -f /etc/grafana/provisioning/datasources/datasources.yaml ] || fail "datasources are not provisioned"
mkdir -p /var/lib/grafana/standin || fail "cannot write /var/lib/grafana as uid $(id -u)"
httpd -f -p 3000 -h /www/grafana &
echo "stand-in $NAME: provisioning mounted, admin password set"
wait
