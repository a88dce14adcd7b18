#!/usr/bin/env bash
# Bytes of state per user in both engines, with a realistic history per user
# (bench/state_size.cc). USERS=1000000 by default.
#   RocksDB: the database directory's size after a flush.
#   Redis Cluster: the rise of used_memory over the 3 masters of a local
#   cluster started for the run on ports 7100-7102.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
USERS=${USERS:-1000000}
work=$(mktemp -d)
trap 'scripts/redis-cluster.sh stop --base-port 7100 --dir "$work/redis" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

"$BUILD_DIR/bench/riskd_bench_state_size" --users "$USERS" --engine rocksdb --path "$work/rocksdb"

scripts/redis-cluster.sh start --base-port 7100 --dir "$work/redis" >/dev/null
used() {
  local total=0
  for port in 7100 7101 7102; do
    total=$((total + $(redis-cli -p $port info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')))
  done
  echo $total
}
before=$(used)
line=$("$BUILD_DIR/bench/riskd_bench_state_size" --users "$USERS" --engine redis_cluster \
  --nodes 127.0.0.1:7100,127.0.0.1:7101,127.0.0.1:7102)
after=$(used)
echo "$line redis_memory_bytes_per_user=$(( (after - before) / USERS ))"
