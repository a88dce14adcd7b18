#!/usr/bin/env bash
# Instructions per decision of riskd (embedded engine, config/riskd.yaml),
# counted by callgrind: a measure that, unlike throughput, does not depend on
# what else the machine is running. Use it to compare two builds of riskd.
#
#   bench/instructions.sh [RISKD_BINARY]     (default: build/server/riskd)
#
# USERS (2000) users with a realistic history are written to the store first
# and the load generator's mix runs over them, 4 calls in flight: WARM_SECONDS
# (20) not counted, so that caches are warm, then SECONDS_PER_RUN (30)
# counted. Prints Ir_per_decision (user-space instructions of the whole
# process, gRPC included, over the decisions answered) and keeps the
# callgrind file for `callgrind_annotate --inclusive=yes FILE`.
# KIND=ceiling counts the ceiling server instead.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
USERS=${USERS:-2000}
WARM_SECONDS=${WARM_SECONDS:-20}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-30}
KIND=${KIND:-riskd}
RISKD=${1:-$BUILD_DIR/server/riskd}
BIN=$BUILD_DIR/bench
out=${OUT_DIR:-$(mktemp -d)}
work=$(mktemp -d)
mkdir -p "$out"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir -p "$work/data"
"$BIN/riskd_bench_state_size" --users "$USERS" --engine rocksdb --path "$work/data/state" \
  --keep true >/dev/null
if [[ $KIND == ceiling ]]; then
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
    "$BIN/riskd_bench_ceiling" 127.0.0.1:31155 2>"$work/valgrind.log" &
else
  valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" "$RISKD" \
    --config config/riskd.yaml --listen 127.0.0.1:31155 --data-dir "$work/data" \
    --log-level warning 2>"$work/valgrind.log" &
fi
pid=$!
"$BIN/riskd_bench_load" --target 127.0.0.1:31155 --wait-ready 600 --since-unix-ns "$(date +%s%N)" \
  >/dev/null
"$BIN/riskd_bench_load" --target 127.0.0.1:31155 --seconds "$WARM_SECONDS" --concurrency 4 \
  --users "$USERS" >/dev/null
callgrind_control -z "$pid" >/dev/null 2>&1
line=$("$BIN/riskd_bench_load" --target 127.0.0.1:31155 --seconds "$SECONDS_PER_RUN" \
  --concurrency 4 --users "$USERS")
callgrind_control -d "$pid" >/dev/null 2>&1
kill "$pid"
wait "$pid" 2>/dev/null || true
ok=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<"$line")
file=$(ls "$out"/callgrind.out.* | head -1)
total=$(callgrind_annotate "$file" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
echo "server=$KIND binary=$RISKD users=$USERS decisions=$ok Ir_per_decision=$((total / ok)) file=$file"
