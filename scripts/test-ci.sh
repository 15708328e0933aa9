#!/usr/bin/env bash
# The whole test suite, on a fresh machine as on a developer's: installs the real tools the tests run
# (Docker engine, Compose v2, promtool) from Debian, starts the Docker engine when none answers (and
# stops that one again at the end), then type-checks, lints and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -eq 0 ]; then
  bash scripts/install-test-deps.sh
else
  sudo bash scripts/install-test-deps.sh
fi

dockerd_pid=""
stop_dockerd() {
  if [ -n "$dockerd_pid" ]; then
    kill "$dockerd_pid" 2>/dev/null || true
    wait "$dockerd_pid" 2>/dev/null || true
  fi
}
trap stop_dockerd EXIT
if ! docker info >/dev/null 2>&1; then
  echo "Starting the Docker engine (log: ${TMPDIR:-/tmp}/stackgen-dockerd.log)"
  log="${TMPDIR:-/tmp}/stackgen-dockerd.log"
  # Like Debian's docker.service (LimitNOFILE=1048576) where the machine allows it, else as many as the
  # hard limit allows: containers cannot be given more open files than the engine has. `sh -c` rather
  # than a subshell of this script, so that errexit cannot end it when the machine refuses the limit.
  start='ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec dockerd'
  if [ "$(id -u)" -eq 0 ]; then
    sh -c "$start" >"$log" 2>&1 &
  else
    sudo sh -c "$start" >"$log" 2>&1 &
  fi
  dockerd_pid=$!
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    echo "the Docker engine did not start; the end of its log ($log):"
    tail -40 "$log"
    exit 1
  fi
fi

npm run typecheck
npm run lint
npm run format:check
npm test
npm run test:integration
