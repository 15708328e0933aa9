#!/bin/sh
# Stand-in (fake) for signoz/signoz. Answers /api/v1/health on 8080.
NAME=signoz
. /standin/common.sh
trap 'kill 0; exit 0' TERM INT
[ -n "${SIGNOZ_TOKENIZER_JWT_SECRET:-}" ] || fail "no JWT secret (.env not read?)"
[ -n "${SIGNOZ_USER_ROOT_PASSWORD:-}" ] || fail "no admin password (.env not read?)"
[ "${SIGNOZ_USER_ROOT_ENABLED:-}" = true ] || fail "the admin is not provisioned"
[ "${SIGNOZ_TELEMETRYSTORE_CLICKHOUSE_DSN:-}" = tcp://clickhouse:9000 ] || fail "no ClickHouse DSN"
if [ "${SIGNOZ_SQLSTORE_PROVIDER:-}" = postgres ]; then
  # The password inside the DSN, where a start script on a Swarm puts it from a secret file.
  echo "${SIGNOZ_SQLSTORE_POSTGRES_DSN:-}" | grep -Eq '^postgres://signoz:[^@$]+@postgres:5432/signoz[?]sslmode=disable$' || fail "no PostgreSQL DSN with a password: '${SIGNOZ_SQLSTORE_POSTGRES_DSN:-}'"
else
  mkdir -p "$(dirname "${SIGNOZ_SQLSTORE_SQLITE_PATH:-/var/lib/signoz/signoz.db}")" && touch "${SIGNOZ_SQLSTORE_SQLITE_PATH:-/var/lib/signoz/signoz.db}" || fail "cannot write the SQLite store"
fi
# Like SigNoz: the organisation has the id SIGNOZ_USER_ROOT_ORG_ID gives, or one of its own when that is
# unset (zeros), and GET /api/v2/sessions/context names it (busybox httpd ignores the ?email= query).
org="${SIGNOZ_USER_ROOT_ORG_ID:-}"
echo "$org" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' || fail "SIGNOZ_USER_ROOT_ORG_ID is not a UUID: '$org'"
[ "$org" = 00000000-0000-0000-0000-000000000000 ] && org=0199c0de-5a1e-7000-8000-00000000beef
mkdir -p /www/signoz/api/v2/sessions
printf '{"status":"success","data":{"exists":true,"orgs":[{"id":"%s","name":"%s"}]}}' "$org" "${SIGNOZ_USER_ROOT_ORG_NAME:-}" > /www/signoz/api/v2/sessions/context
httpd -f -p 8080 -h /www/signoz &
echo "stand-in $NAME: secrets and stores in place"
wait
