#!/bin/sh
# Stand-in (fake) for grafana/grafana.
NAME=grafana
. /standin/common.sh
# As PID 1 a shell ignores SIGTERM; stop at once, as the real images do.
trap 'kill 0; exit 0' TERM INT
# As Grafana does, a setting may come from a file named by <setting>__FILE (a Swarm secret).
if [ -n "$GF_SECURITY_ADMIN_PASSWORD__FILE" ]; then
  GF_SECURITY_ADMIN_PASSWORD=$(cat "$GF_SECURITY_ADMIN_PASSWORD__FILE") || fail "cannot read $GF_SECURITY_ADMIN_PASSWORD__FILE"
fi
[ -n "$GF_SECURITY_ADMIN_PASSWORD" ] || fail "GF_SECURITY_ADMIN_PASSWORD is empty (.env not read?)"
[ -f /etc/grafana/provisioning/datasources/datasources.yaml ] || fail "datasources are not provisioned"
mkdir -p /var/lib/grafana/standin || fail "cannot write /var/lib/grafana as uid $(id -u)"
# Datasource health (GET /api/datasources/uid/<uid>/health) for each datasource that is provisioned, behind
# the admin's basic auth, as Grafana answers it. It says nothing about the datasources' own health.
for uid in $(sed -n 's/^ *uid: *//p' /etc/grafana/provisioning/datasources/datasources.yaml | tr -d "\"'" | sort -u); do
  mkdir -p "/www/grafana/api/datasources/uid/$uid" || fail "cannot write /www/grafana as uid $(id -u)"
  printf '{"status":"OK","message":"stand-in: provisioned"}' >"/www/grafana/api/datasources/uid/$uid/health"
done
# Like Grafana, the admin password of the first start is kept in the data volume; later values of
# GF_SECURITY_ADMIN_PASSWORD are ignored ("grafana cli admin reset-admin-password" changes it).
[ -f /var/lib/grafana/standin/admin-password ] || printf '%s' "$GF_SECURITY_ADMIN_PASSWORD" >/var/lib/grafana/standin/admin-password
printf '/api/datasources:%s:%s\n' "${GF_SECURITY_ADMIN_USER:-admin}" "$(cat /var/lib/grafana/standin/admin-password)" >/var/lib/grafana/standin/httpd.conf
httpd -f -p 3000 -h /www/grafana -c /var/lib/grafana/standin/httpd.conf &
echo "stand-in $NAME: provisioning mounted, admin password set"
wait
