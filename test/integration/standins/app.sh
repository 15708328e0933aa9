#!/bin/sh
# Stand-in (fake) application: stays up so tests can exec into it.
echo "stand-in app: OTEL_EXPORTER_OTLP_ENDPOINT=$OTEL_EXPORTER_OTLP_ENDPOINT"
trap 'exit 0' TERM INT
sleep 100000 &
wait
