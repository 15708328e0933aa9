#!/bin/sh
# Stand-in (fake) for postgres: takes its password as the real image's entrypoint does, from
# POSTGRES_PASSWORD or from the file POSTGRES_PASSWORD_FILE names; keeps nothing; listens on 5432.
NAME=postgres
. /standin/common.sh
trap 'kill 0; exit 0' TERM INT
password="${POSTGRES_PASSWORD:-}"
if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then
  [ -z "$password" ] || fail "both POSTGRES_PASSWORD and POSTGRES_PASSWORD_FILE are set"
  password="$(cat "$POSTGRES_PASSWORD_FILE")" || fail "cannot read $POSTGRES_PASSWORD_FILE"
fi
[ -n "$password" ] || fail "no password (POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE)"
[ "${POSTGRES_USER:-}" = signoz ] && [ "${POSTGRES_DB:-}" = signoz ] || fail "not SigNoz's user and database"
mkdir -p /var/lib/postgresql/data/standin || fail "cannot write /var/lib/postgresql/data"
nc -ll -p 5432 -e /bin/cat &
touch /tmp/accepting
echo "stand-in $NAME: password from ${POSTGRES_PASSWORD_FILE:-POSTGRES_PASSWORD}"
wait
