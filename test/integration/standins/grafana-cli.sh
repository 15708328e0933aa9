#!/bin/sh
# Stand-in (fake) for the "grafana" program: only "grafana cli admin reset-admin-password <password>",
# which stores the new password where the stand-in keeps it and has its HTTP server read it again.
[ "$1 $2 $3" = "cli admin reset-admin-password" ] && [ -n "$4" ] || { echo "stand-in grafana: only cli admin reset-admin-password" >&2; exit 2; }
printf '%s' "$4" >/var/lib/grafana/standin/admin-password
printf '/api/datasources:%s:%s\n' "${GF_SECURITY_ADMIN_USER:-admin}" "$4" >/var/lib/grafana/standin/httpd.conf
killall -HUP httpd
echo "Admin password changed successfully"
