#!/bin/sh
# One HTTP request on stdin (an OTLP/HTTP export): read it, log it, answer 200 with an empty response in
# the request's encoding (an empty ExportTraceServiceResponse is zero bytes of protobuf, or {} in JSON).
# Log exports are forwarded to Loki when the collector's config has a Loki exporter.
read -r method path _
length=0
type=
while read -r line; do
  line=$(printf '%s' "$line" | tr -d '\r')
  [ -z "$line" ] && break
  case "$line" in
    [Cc]ontent-[Ll]ength:*) length=${line#*: } ;;
    [Cc]ontent-[Tt]ype:*) type=${line#*: } ;;
  esac
done
body=$(mktemp)
[ "$length" -gt 0 ] 2>/dev/null && head -c "$length" >"$body"
echo "stand-in otel-collector: received $method $path ($length bytes, $type)" >&2
# Logs go on, as received, to the Loki endpoint of the config's Loki exporter (LOKI_OTLP, from
# otel-collector.sh): its address is the generated config's, reached over the stack's network.
if [ "$path" = /v1/logs ] && [ -n "$LOKI_OTLP" ]; then
  wget -q -O /dev/null --header "Content-Type: $type" --post-file "$body" "$LOKI_OTLP/v1/logs" ||
    echo "stand-in otel-collector: could not forward logs to $LOKI_OTLP/v1/logs" >&2
fi
rm -f "$body"
case "$type" in
  *json*) printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}' ;;
  *) printf 'HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' ;;
esac
