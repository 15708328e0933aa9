#!/bin/sh
# Stand-in (fake) for prom/pushgateway: serves /metrics on 9091, nothing else.
trap 'kill 0; exit 0' TERM INT
httpd -f -p 9091 -h /www/push &
echo "stand-in pushgateway: serving /metrics"
wait
