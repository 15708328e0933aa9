#!/bin/bash
# A real multi-node Docker Swarm on this one machine, for the Swarm tests: one dockerd per node, each in a
# network namespace and a UTS namespace of its own (its own hostname), the nodes joined by a bridge that
# lives in a namespace of its own too (the host's FORWARD policy would drop bridged traffic in the root
# namespace). Nothing of it touches the host's network, iptables or Docker engine.
#
#   cluster.sh up       starts the nodes (3 by default, SWARM_NODES), makes node 1 the manager, labels
#                       each node stackgen.node=n<i>, and prints the manager's socket
#   cluster.sh load IMAGE...  copies images from the host's engine into every node
#   cluster.sh hub CMD...     runs a command in the bridge's namespace, which reaches every node's address
#   cluster.sh registry [HTPASSWD]  starts a Docker registry (Debian's docker-registry) in the bridge's
#                       namespace, at $NET.1:5000, over plain HTTP (every node trusts that address), with
#                       basic authentication when given an htpasswd file
#   cluster.sh down     stops everything it started (by pid file, checked) and removes what it made
#
# The nodes never pull (DOCKER_SERVICE_PREFER_OFFLINE_IMAGE: they run images as loaded on them; nothing
# outside the lab is ever asked), unless SWARM_PULL=1: then they pull as Swarm nodes do, and only images
# of the lab's registry may be used.
#
# Needs root, iproute2, util-linux (nsenter, unshare) and dockerd. Kernels without IPVS (these machines)
# run overlay networks but neither VIP load balancing nor the ingress mesh: services must use
# endpoint_mode dnsrr and host-mode ports there.
set -euo pipefail

LAB=${SWARM_LAB:-/tmp/stackgen-swarm}
NODES=${SWARM_NODES:-3}
# Node hostnames are sgsw-n<i>; namespaces and links carry a hash of the lab folder too, so that two labs
# (two suites, one left over) never take each other's.
HOSTS=sgsw
PREFIX=sgsw$(printf '%s' "$LAB" | cksum | cut -c1-4)
NET=10.231.5
REGISTRY="$NET.1:5000"
case "$LAB" in /tmp/?*) ;; *) echo "cluster.sh: SWARM_LAB must be a folder under /tmp" >&2; exit 2 ;; esac

sock() { echo "unix://$LAB/n$1/docker.sock"; }
dk() { local n=$1; shift; docker -H "$(sock "$n")" "$@"; }
hub() { nsenter --net="/run/netns/$PREFIX-hub" "$@"; }

network_up() {
  ip netns list | grep -q "^$PREFIX-hub\b" && return
  ip netns add "$PREFIX-hub"
  ip -n "$PREFIX-hub" link add br0 type bridge
  ip -n "$PREFIX-hub" addr add "$NET.1/24" dev br0
  ip -n "$PREFIX-hub" link set br0 up
  ip -n "$PREFIX-hub" link set lo up
  for n in $(seq 1 "$NODES"); do
    ip netns add "$PREFIX-n$n"
    ip link add "$PREFIX-v$n" type veth peer name "$PREFIX-e$n"
    ip link set "$PREFIX-v$n" netns "$PREFIX-hub"
    ip -n "$PREFIX-hub" link set "$PREFIX-v$n" master br0 up
    ip link set "$PREFIX-e$n" netns "$PREFIX-n$n"
    ip -n "$PREFIX-n$n" link set "$PREFIX-e$n" name eth0
    ip -n "$PREFIX-n$n" addr add "$NET.1$n/24" dev eth0
    ip -n "$PREFIX-n$n" link set eth0 up
    ip -n "$PREFIX-n$n" link set lo up
    ip -n "$PREFIX-n$n" route add default via "$NET.1"
  done
}

# dockerd with its own everything under $LAB/n<i>. nsenter switches the network namespace only: "ip netns
# exec" would remount /sys and hide the cgroup v1 hierarchy dockerd needs.
daemon_up() {
  local n=$1 dir="$LAB/n$1"
  [ -S "$dir/docker.sock" ] && docker -H "$(sock "$n")" info >/dev/null 2>&1 && return
  mkdir -p "$dir"
  local offline=1
  [ "${SWARM_PULL:-}" = 1 ] && offline=
  nsenter --net="/run/netns/$PREFIX-n$n" unshare --uts \
    env DOCKER_SERVICE_PREFER_OFFLINE_IMAGE=$offline \
    sh -c 'hostname "$0"; exec setsid "$@"' "$HOSTS-n$n" \
    dockerd --data-root "$dir/data" --exec-root "$dir/exec" --pidfile "$dir/docker.pid" \
    -H "$(sock "$n")" --default-address-pool base=10.233.0.0/16,size=24 \
    --insecure-registry "$REGISTRY" \
    --cgroup-parent "$PREFIX-n$n" >"$dir/dockerd.log" 2>&1 </dev/null &
}

wait_for() { # seconds, command...
  local until=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $until ] || { echo "cluster.sh: timed out waiting for: $*" >&2; return 1; }
    sleep 0.5
  done
}

swarm_up() {
  if [ "$(dk 1 info --format '{{.Swarm.LocalNodeState}}')" != active ]; then
    dk 1 swarm init --advertise-addr "$NET.11" --listen-addr "$NET.11:2377" \
      --default-addr-pool 10.232.0.0/16 >/dev/null
  fi
  local token; token=$(dk 1 swarm join-token -q worker)
  for n in $(seq 2 "$NODES"); do
    [ "$(dk "$n" info --format '{{.Swarm.LocalNodeState}}')" = active ] ||
      dk "$n" swarm join --advertise-addr "$NET.1$n" --token "$token" "$NET.11:2377" >/dev/null
  done
  ready() { [ "$(dk 1 node ls --format '{{.Status}}' | grep -c Ready)" -eq "$NODES" ]; }
  wait_for 60 ready
  for n in $(seq 1 "$NODES"); do dk 1 node update --label-add "stackgen.node=n$n" "$HOSTS-n$n" >/dev/null; done
}

cmd_up() {
  network_up
  for n in $(seq 1 "$NODES"); do daemon_up "$n"; done
  for n in $(seq 1 "$NODES"); do wait_for 60 dk "$n" info; done
  swarm_up
  sock 1
}

cmd_load() {
  local archive="$LAB/images.tar"
  docker save -o "$archive" "$@"
  local pids=() n failed=0
  for n in $(seq 1 "$NODES"); do dk "$n" load -i "$archive" >/dev/null & pids+=($!); done
  for n in "${!pids[@]}"; do wait "${pids[$n]}" || { echo "cluster.sh: loading into node $((n + 1)) failed" >&2; failed=1; }; done
  rm -f "$archive"
  return $failed
}

cmd_registry() {
  local dir="$LAB/registry" auth=''
  mkdir -p "$dir/data"
  if [ -n "${1:-}" ]; then
    auth="auth: { htpasswd: { realm: stackgen-swarm-lab, path: $1 } }"
  fi
  cat >"$dir/config.yml" <<CFG
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $dir/data } }
http: { addr: "$REGISTRY" }
$auth
CFG
  hub setsid sh -c 'echo $$ >"$0/pid"; exec docker-registry serve "$0/config.yml"' "$dir" \
    >"$dir/registry.log" 2>&1 </dev/null &
  wait_for 30 hub bash -c "exec 3<>/dev/tcp/${REGISTRY%:*}/${REGISTRY#*:}"
  echo "$REGISTRY"
}

# The pid in a node's pid file, when that process is the dockerd of this lab (never another dockerd).
our_daemon() {
  local pidfile="$LAB/n$1/docker.pid" pid
  [ -f "$pidfile" ] || return 1
  pid=$(cat "$pidfile")
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--data-root $LAB/n$1/data" || return 1
  echo "$pid"
}

# Processes of the lab that outlive their dockerd (containerd, shims, containers): by a path of the lab
# in their command line, or by the node's network namespace.
our_leftovers() {
  local n=$1 ns pid
  ns=$(stat -L -c %i "/run/netns/$PREFIX-n$n" 2>/dev/null || true)
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$pid" = $$ ] && continue
    if { tr "\0" " " <"/proc/$pid/cmdline"; } 2>/dev/null | grep -q -- "$LAB/n$n/"; then echo "$pid"
    elif [ -n "$ns" ] && [ "$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null)" = "$ns" ]; then echo "$pid"
    fi
  done
}

node_down() {
  local n=$1 pid
  if pid=$(our_daemon "$n"); then
    kill -TERM "$pid" 2>/dev/null || true
    # dockerd 20.10 lingers after "Daemon shutdown complete", retrying its stopped containerd.
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      grep -q 'Daemon shutdown complete' "$LAB/n$n/dockerd.log" 2>/dev/null && break
      sleep 0.5
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  for pid in $(our_leftovers "$n"); do kill -KILL "$pid" 2>/dev/null || true; done
}

cmd_down() {
  local registry="$LAB/registry/pid" pid
  if [ -f "$registry" ] && pid=$(cat "$registry") &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$LAB/registry/config.yml"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  for n in $(seq 1 9); do [ -d "$LAB/n$n" ] && node_down "$n" & done
  wait
  # Mounts dockerd left under the lab (overlay layers, namespace files), deepest first.
  awk -v lab="$LAB/" 'index($2, lab) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  for ns in $(ip netns list | awk '{print $1}' | grep "^$PREFIX-" || true); do ip netns del "$ns"; done
  for n in $(seq 1 9); do
    for cg in /sys/fs/cgroup/*/"$PREFIX-n$n"; do
      [ -d "$cg" ] && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
    done
  done
  # "ip netns add" made /run/netns a mount of its own; undo that only when no namespace is left in it.
  if [ -d /run/netns ] && [ -z "$(ls -A /run/netns)" ]; then umount /run/netns 2>/dev/null || true; rmdir /run/netns 2>/dev/null || true; fi
  rm -rf "$LAB"
}

case "${1:-}" in
  up) cmd_up ;;
  load) shift; cmd_load "$@" ;;
  hub) shift; hub "$@" ;;
  registry) shift; cmd_registry "$@" ;;
  down) cmd_down ;;
  *) echo "usage: cluster.sh up | load IMAGE... | hub CMD... | registry [HTPASSWD] | down" >&2; exit 2 ;;
esac
