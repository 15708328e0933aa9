#!/bin/sh
# Stand-in (fake) for jaegertracing/jaeger v2. Stores nothing.
NAME=jaeger
. /standin/common.sh
# As PID 1 a shell ignores SIGTERM; stop at once, as the real images do.
trap 'kill 0; exit 0' TERM INT
config=$(config_arg /etc/jaeger/config.yaml "$@")
[ -f "$config" ] || fail "no config at $config"
for key in keys values; do
  dir=$(sed -n "s/^ *$key: *//p" "$config" | head -n 1)
  [ -n "$dir" ] || fail "no badger $key directory in $config"
  mkdir -p "$dir" && touch "$dir/standin" || fail "cannot create $dir as uid $(id -u)"
done
httpd -f -p 16686 -h /www/ui &
httpd -f -p 13133 -h /www/health &
httpd -f -p 8888 -h /www/metrics &
nc -ll -p 4317 -e /standin/otlp-http.sh &
echo "stand-in $NAME: config $config accepted; badger directories writable"
wait
