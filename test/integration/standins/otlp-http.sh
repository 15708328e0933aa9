#!/bin/sh
# One HTTP request on stdin (an OTLP/HTTP export): read it, log it, answer 200 with an empty response in
# the request's encoding (an empty ExportTraceServiceResponse is zero bytes of protobuf, or {} in JSON).
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
[ "$length" -gt 0 ] 2>/dev/null && head -c "$length" >/dev/null
echo "stand-in otel-collector: received $method $path ($length bytes, $type)" >&2
case "$type" in
  *json*) printf 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}' ;;
  *) printf 'HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' ;;
esac
