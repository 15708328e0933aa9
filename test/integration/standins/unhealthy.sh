#!/bin/sh
# Stand-in (fake) that runs but never passes a healthcheck: it serves nothing on the health ports.
echo "stand-in unhealthy: running, and never healthy"
trap 'exit 0' TERM INT
sleep 100000 &
wait
