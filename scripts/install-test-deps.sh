#!/usr/bin/env bash
# Installs the real tools the test suite runs against: the Docker engine (Debian's docker.io),
# Compose v2 (Debian trixie's docker-compose, the only package taken from trixie), promtool
# (Debian's prometheus package), busybox-static (for the integration tests' stand-in images), and
# iproute2 and util-linux for the Swarm tests' nodes (network namespaces, nsenter, unshare), and
# docker-registry for the registry those nodes pull from.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

if [ ! -f /etc/apt/sources.list.d/stackgen-trixie.sources ]; then
  cat >/etc/apt/sources.list.d/stackgen-trixie.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  # Low priority: nothing comes from trixie unless asked for by name.
  cat >/etc/apt/preferences.d/stackgen-trixie <<'PIN'
Package: *
Pin: release n=trixie
Pin-Priority: 100
PIN
fi

# Packages must not start their own daemons (prometheus ships a service); we start dockerd ourselves.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d
trap 'rm -f /usr/sbin/policy-rc.d' EXIT

apt-get update -qq
apt-get install -y -qq --no-install-recommends docker.io prometheus busybox-static ca-certificates iproute2 util-linux docker-registry >/dev/null
apt-get install -y -qq --no-install-recommends docker-compose/trixie >/dev/null
