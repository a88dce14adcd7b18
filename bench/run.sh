#!/usr/bin/env bash
# make bench: riskd against the ceiling (a constant-reply server from the
# same proto and gRPC build), on this machine, in one run.
#   1. saturation: closed loop, 64 calls in flight, each server alone
#   2. fixed offered load: open loop at half of riskd's saturation
#      throughput, for both servers, to compare latency at the same load
# CPU per decision is the server's user+system CPU time over its decisions.
set -euo pipefail
# The servers listen below the ephemeral port range (32768-60999), so that no
# outgoing connection of an earlier run can hold their ports.
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CONCURRENCY=${CONCURRENCY:-64}
BIN=$BUILD_DIR/bench
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start_riskd() {
  "$BUILD_DIR/server/riskd" --config config/riskd.yaml --listen 127.0.0.1:31151 \
    --data-dir "$work/data" --log-level warning 2>"$work/riskd.log" &
  echo $! > "$work/server.pid"
}
start_ceiling() {
  "$BIN/riskd_bench_ceiling" 127.0.0.1:31152 2>"$work/ceiling.log" &
  echo $! > "$work/server.pid"
}
stop_server() { kill "$(cat "$work/server.pid")"; wait "$(cat "$work/server.pid")" 2>/dev/null || true; }

# run NAME PORT LOAD_ARGS... -> prints the load line plus cpu_us_per_decision
run() {
  local name=$1 port=$2; shift 2
  sleep 0.5
  local pid; pid=$(cat "$work/server.pid")
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "bench: the $name server exited at start (port in use?):" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
  # Warm up connections and caches; not measured.
  "$BIN/riskd_bench_load" --target 127.0.0.1:$port --seconds 1 --concurrency 16 >/dev/null
  local before; before=$(cpu_ticks "$pid")
  local line; line=$("$BIN/riskd_bench_load" --target 127.0.0.1:$port --seconds "$SECONDS_PER_RUN" "$@")
  local after; after=$(cpu_ticks "$pid")
  local ok; ok=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<"$line")
  local hz; hz=$(getconf CLK_TCK)
  local cpu; cpu=$(awk -v t=$((after - before)) -v hz="$hz" -v n="$ok" 'BEGIN{printf "%.1f", n ? t / hz * 1e6 / n : 0}')
  echo "server=$name $line cpu_us_per_decision=$cpu"
}

echo "# $(date -u +%FT%TZ) $(nproc) cores; $SECONDS_PER_RUN s per run; riskd with config/riskd.yaml"
start_ceiling; ceiling_sat=$(run ceiling 31152 --concurrency "$CONCURRENCY"); stop_server
start_riskd;   riskd_sat=$(run riskd 31151 --concurrency "$CONCURRENCY");     stop_server
echo "$ceiling_sat"; echo "$riskd_sat"

riskd_rps=$(sed -n 's/.* rps=\([0-9]*\).*/\1/p' <<<"$riskd_sat")
ceiling_rps=$(sed -n 's/.* rps=\([0-9]*\).*/\1/p' <<<"$ceiling_sat")
half=$((riskd_rps / 2))
start_ceiling; ceiling_fixed=$(run ceiling 31152 --rate "$half"); stop_server
start_riskd;   riskd_fixed=$(run riskd 31151 --rate "$half");     stop_server
echo "$ceiling_fixed"; echo "$riskd_fixed"

p99() { sed -n 's/.* p99_us=\([0-9]*\).*/\1/p' <<<"$1"; }
awk -v r="$riskd_rps" -v c="$ceiling_rps" -v rp="$(p99 "$riskd_fixed")" -v cp="$(p99 "$ceiling_fixed")" \
  'BEGIN{printf "throughput riskd/ceiling = %.2f; p99 at %d rps riskd/ceiling = %.2f\n", r/c, r/2, cp ? rp/cp : 0}'
