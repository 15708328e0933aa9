#!/bin/sh
# Runs the real Prometheus (Debian's 2.42 binary) on the generated config, less one block: the
# storage.tsdb.retention settings, which Prometheus reads from 3.8 and 2.42 refuses as unknown. Everything
# else (scrape jobs, rule files, flags) reaches the real binary as generated.
NAME=prometheus
. /standin/common.sh
args=""
for arg in "$@"; do
  case "$arg" in
    --config.file=*)
      config="${arg#--config.file=}"
      [ -f "$config" ] || fail "no config at '$config'"
      grep -q '^storage:' "$config" || fail "no storage block (retention) in $config"
      awk '/^[^ #]/ { skip = ($0 ~ /^storage:/) } !skip' "$config" > /tmp/prometheus.yml
      arg=--config.file=/tmp/prometheus.yml ;;
  esac
  args="$args $arg"
done
# shellcheck disable=SC2086 # the flags hold no spaces
exec /bin/prometheus $args
