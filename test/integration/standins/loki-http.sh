#!/bin/sh
# One HTTP request on stdin to the Loki stand-in: GET /ready and /metrics; POST /otlp/v1/logs (kept in
# /loki/records); GET /loki/api/v1/query_range for verify's query, `{service_name="S"} |= "stackgen verify
# log H"`: the records kept for S that hold that line come back as one stream.
read -r method target _
length=0
while read -r line; do
  line=$(printf '%s' "$line" | tr -d '\r')
  [ -z "$line" ] && break
  case "$line" in [Cc]ontent-[Ll]ength:*) length=${line#*: } ;; esac
done
answer() { # status, content type, body
  printf 'HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %s\r\nConnection: close\r\n\r\n%s' \
    "$1" "$2" "$(printf '%s' "$3" | wc -c)" "$3"
}
case "$method $target" in
  "GET /ready") answer '200 OK' text/plain ready ;;
  "GET /metrics") answer '200 OK' text/plain "$(printf 'loki_standin_up 1\n')" ;;
  "POST /otlp/v1/logs")
    file=$(mktemp /loki/records/XXXXXX)
    head -c "$length" >"$file"
    echo "stand-in loki: kept $length bytes of OTLP logs" >&2
    answer '204 No Content' text/plain '' ;;
  "GET /loki/api/v1/query_range?"*)
    query=${target#*\?}
    service=$(printf '%s' "$query" | grep -o 'stackgen-verify-[0-9a-f]\{6\}' | head -n 1)
    marker=$(printf '%s' "$query" | grep -o 'log[+]*[0-9a-f]\{12\}' | grep -o '[0-9a-f]\{12\}$')
    line="stackgen verify log $marker"
    values=
    for file in $(grep -l "$line" /loki/records/* 2>/dev/null); do
      grep -q "\"$service\"" "$file" && values="[\"$(date +%s)000000000\",\"$line\"]"
    done
    if [ -n "$values" ]; then
      result="[{\"stream\":{\"service_name\":\"$service\"},\"values\":[$values]}]"
    else
      result='[]'
    fi
    answer '200 OK' application/json "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":$result}}" ;;
  *) answer '404 Not Found' text/plain 'not found' ;;
esac
