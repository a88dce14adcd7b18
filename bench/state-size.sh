#!/usr/bin/env bash
# Bytes of state per user in both engines, with a realistic history per user
# (bench/user_history.h), and riskd's memory and start-up on that state.
# USERS=1000000 by default.
#   RocksDB: the database directory's size after a flush. Then riskd starts on
#   it (start-up: exec to the first answered decision) and serves the load
#   generator's mix over all USERS users for MEMORY_SECONDS (30: long enough
#   to fill its caches); its resident memory after that, beside the same
#   measure with SMALL_USERS (100,000) users, shows whether memory grows with
#   users beyond riskd's caches.
#   Redis Cluster: the rise of used_memory over the 3 masters of a local
#   cluster started for the run on ports 7100-7102; riskd's start-up on it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
BUILD_DIR=${BUILD_DIR:-build}
USERS=${USERS:-1000000}
SMALL_USERS=${SMALL_USERS:-100000}
MEMORY_SECONDS=${MEMORY_SECONDS:-30}
BIN=$BUILD_DIR/bench
work=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  scripts/redis-cluster.sh stop --base-port 7100 --dir "$work/redis" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# serve CONFIG DATA_DIR USERS -> "startup_ms=... decisions=... rss_mb=..."
serve() {
  local config=$1 data_dir=$2 users=$3 since; since=$(date +%s%N)
  "$BUILD_DIR/server/riskd" --config "$config" --listen 127.0.0.1:31154 --data-dir "$data_dir" \
    --log-level warning 2>"$work/riskd.log" &
  local pid=$!
  local ready
  ready=$("$BIN/riskd_bench_load" --target 127.0.0.1:31154 --wait-ready 300 --since-unix-ns "$since" \
    --users "$users") || { cat "$work/riskd.log" >&2; exit 1; }
  local load
  load=$("$BIN/riskd_bench_load" --target 127.0.0.1:31154 --seconds "$MEMORY_SECONDS" \
    --concurrency 64 --users "$users")
  echo "${ready/ready_ms/startup_ms} decisions=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<"$load")" \
    "errors=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<<"$load") rss_mb=$(rss_mb $pid)"
  kill $pid
  wait $pid 2>/dev/null || true
}

for users in "$SMALL_USERS" "$USERS"; do
  mkdir -p "$work/rocksdb-$users"
  line=$("$BIN/riskd_bench_state_size" --users "$users" --engine rocksdb \
    --path "$work/rocksdb-$users/state" --keep true)
  echo "$line riskd_$(serve config/riskd.yaml "$work/rocksdb-$users" "$users" | sed 's/ / riskd_/g')"
  rm -rf "$work/rocksdb-$users"
done

scripts/redis-cluster.sh start --base-port 7100 --dir "$work/redis" >/dev/null
used() {
  local total=0
  for port in 7100 7101 7102; do
    total=$((total + $(redis-cli -p $port info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')))
  done
  echo $total
}
before=$(used)
line=$("$BIN/riskd_bench_state_size" --users "$USERS" --engine redis_cluster \
  --nodes 127.0.0.1:7100,127.0.0.1:7101,127.0.0.1:7102 --key-prefix riskd:)
after=$(used)
# riskd on this cluster: config/riskd-redis.yaml with its nodes, in a folder
# whose ../build and ../data lead to the real ones.
mkdir -p "$work/conf"
ln -s "$root/$BUILD_DIR" "$work/build"
ln -s "$root/data" "$work/data"
sed -e "s|nodes: \[.*\]|nodes: [127.0.0.1:7100, 127.0.0.1:7101, 127.0.0.1:7102]|" \
  config/riskd-redis.yaml >"$work/conf/riskd-redis.yaml"
echo "$line redis_memory_bytes_per_user=$(( (after - before) / USERS ))" \
  "riskd_$(serve "$work/conf/riskd-redis.yaml" "$work/redis-data" "$USERS" | sed 's/ / riskd_/g')"
