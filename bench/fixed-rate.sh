#!/usr/bin/env bash
# Latency of one riskd build (embedded engine) at a fixed offered load, the
# steps bench/run.sh takes for it: a store filled with USERS (100,000) users,
# a saturation run, a restart on what it left, then an open-loop run at RATE.
# To compare two builds at the same load (bench/run.sh offers each build half
# of its own saturation), alternate them:
#
#   for b in /tmp/riskd-before build/server/riskd; do bench/fixed-rate.sh 3000 $b; done
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
USERS=${USERS:-100000}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
RATE=${1:?usage: bench/fixed-rate.sh RATE [RISKD]}
RISKD=${2:-$BUILD_DIR/server/riskd}
BIN=$BUILD_DIR/bench
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir -p "$work/data"
"$BIN/riskd_bench_state_size" --users "$USERS" --engine rocksdb --path "$work/data/state" \
  --keep true >/dev/null
# Starts riskd; how long until its first decision goes to $work/ready.
serve() {
  local since; since=$(date +%s%N)
  "$RISKD" --config config/riskd.yaml --listen 127.0.0.1:31156 --data-dir "$work/data" \
    --log-level warning >/dev/null 2>>"$work/riskd.log" &
  pid=$!
  "$BIN/riskd_bench_load" --target 127.0.0.1:31156 --wait-ready 120 --since-unix-ns "$since" \
    >"$work/ready"
}
load() { "$BIN/riskd_bench_load" --target 127.0.0.1:31156 --users "$USERS" "$@"; }

serve
saturation=$(load --seconds "$SECONDS_PER_RUN" --concurrency 64)
kill $pid && wait $pid || true
serve
load --seconds 1 --concurrency 16 >/dev/null
fixed=$(load --seconds "$SECONDS_PER_RUN" --rate "$RATE")
kill $pid && wait $pid || true
echo "binary=$RISKD saturation_rps=$(sed -n 's/.* rps=\([0-9]*\).*/\1/p' <<<"$saturation")" \
  "$(cat "$work/ready") $fixed"
