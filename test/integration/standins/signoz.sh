#!/bin/sh
# Stand-in (fake) for signoz/signoz. Answers /api/v1/health on 8080.
NAME=signoz
. /standin/common.sh
trap 'kill 0; exit 0' TERM INT
[ -n "${SIGNOZ_TOKENIZER_JWT_SECRET:-}" ] || fail "no JWT secret (.env not read?)"
[ -n "${SIGNOZ_USER_ROOT_PASSWORD:-}" ] || fail "no admin password (.env not read?)"
[ "${SIGNOZ_USER_ROOT_ENABLED:-}" = true ] || fail "the admin is not provisioned"
[ "${SIGNOZ_TELEMETRYSTORE_CLICKHOUSE_DSN:-}" = tcp://clickhouse:9000 ] || fail "no ClickHouse DSN"
mkdir -p "$(dirname "${SIGNOZ_SQLSTORE_SQLITE_PATH:-/var/lib/signoz/signoz.db}")" && touch "${SIGNOZ_SQLSTORE_SQLITE_PATH:-/var/lib/signoz/signoz.db}" || fail "cannot write the SQLite store"
httpd -f -p 8080 -h /www/signoz &
echo "stand-in $NAME: secrets and stores in place"
wait
