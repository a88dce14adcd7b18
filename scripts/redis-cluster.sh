#!/usr/bin/env bash
# A local Redis Cluster for development: 3 masters on 127.0.0.1, no replicas.
#
#   scripts/redis-cluster.sh start|stop [--base-port 7000] [--dir ./var/redis-cluster]
#
# `start` launches the masters that are not running (each with its own dir,
# config and pidfile) and forms the cluster the first time; restarting a node
# whose dir holds nodes.conf makes it rejoin with its slots. Both commands are
# idempotent and quiet when there is nothing to do.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop [--base-port PORT] [--dir DIR]" >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
command=$1
shift
base_port=7000
dir=./var/redis-cluster
while [[ $# -gt 0 ]]; do
  case $1 in
    --base-port) base_port=${2:?}; shift 2 ;;
    --dir) dir=${2:?}; shift 2 ;;
    *) usage ;;
  esac
done
[[ $base_port =~ ^[0-9]+$ ]] && ((base_port > 0 && base_port + 2 + 10000 <= 65535)) ||
  { echo "invalid --base-port $base_port" >&2; exit 2; }

ports=("$base_port" "$((base_port + 1))" "$((base_port + 2))")
readonly host=127.0.0.1

cli() {
  local port=$1
  shift
  redis-cli -h "$host" -p "$port" "$@"
}

is_running() {
  cli "$1" ping >/dev/null 2>&1
}

write_config() {
  local port=$1 node_dir=$2
  # Rewritten on every start so that a changed script applies; nodes.conf
  # (the cluster's memory of itself) lives next to it and is kept.
  cat >"$node_dir/redis.conf" <<CONF
bind $host
port $port
dir $node_dir
daemonize yes
pidfile $node_dir/redis.pid
logfile $node_dir/redis.log
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout 5000
appendonly yes
appendfsync everysec
save ""
CONF
}

wait_until() {
  local what=$1 seconds=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ((SECONDS >= deadline)); then
      echo "timed out waiting for $what" >&2
      return 1
    fi
    sleep 0.1
  done
}

cluster_ok() {
  local port
  for port in "${ports[@]}"; do
    cli "$port" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
}

cluster_formed() {
  cli "${ports[0]}" cluster info 2>/dev/null | grep -q '^cluster_slots_assigned:16384'
}

start() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)  # redis-server resolves paths from its own cwd
  local port started=0
  for port in "${ports[@]}"; do
    is_running "$port" && continue
    mkdir -p "$dir/$port"
    write_config "$port" "$dir/$port"
    redis-server "$dir/$port/redis.conf"
    wait_until "redis on port $port" 10 is_running "$port"
    started=1
  done
  if ! cluster_formed; then
    local addresses=()
    for port in "${ports[@]}"; do addresses+=("$host:$port"); done
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 ||
      { cat "$dir/create.log" >&2; exit 1; }
    started=1
  fi
  wait_until "cluster_state:ok" 30 cluster_ok
  if ((started)); then echo "redis cluster up on $host:${ports[0]}-${ports[2]} (dir $dir)"; fi
}

stop() {
  local port
  for port in "${ports[@]}"; do
    is_running "$port" || continue
    # The cluster config and the AOF are flushed on shutdown; no RDB needed.
    cli "$port" shutdown nosave >/dev/null 2>&1 || true
    wait_until "redis on port $port to stop" 10 bash -c "! redis-cli -h $host -p $port ping >/dev/null 2>&1"
  done
}

case $command in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
