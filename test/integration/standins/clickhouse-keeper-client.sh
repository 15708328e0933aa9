#!/bin/sh
# Stand-in for clickhouse-keeper-client, as the generated healthcheck calls it: -h HOST -p PORT -q ls.
host=localhost port=9181
while [ $# -gt 0 ]; do case "$1" in -h) host=$2; shift ;; -p) port=$2; shift ;; esac; shift; done
echo ls | nc -w 2 "$host" "$port" >/dev/null
