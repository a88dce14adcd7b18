#!/usr/bin/env bash
# make bench: riskd against the ceiling (a constant-reply server from the
# same proto and gRPC build), on this machine, in one run, with both state
# engines: embedded RocksDB and a local 3-master Redis Cluster.
#
#   0. state: USERS (100,000) users with a realistic history are written to
#      each engine first (bench/user_history.h), so that decisions read and
#      update existing records, as in production
#   1. start-up: from exec to the first answered decision, with the
#      detectors' full data files and the filled store
#   2. saturation: closed loop, CONCURRENCY calls in flight, each server alone
#   3. fixed offered load: open loop at half of each engine's saturation
#      throughput, for riskd and for the ceiling, to compare latency
# CPU per decision is the server's user+system CPU time over its decisions;
# rss_mb is riskd's resident memory after its saturation run. On Redis, the
# masters' read events and commands (INFO stats) over the decisions count
# round trips. Prints key=value lines, then a summary.
set -euo pipefail
# The servers listen below the ephemeral port range (32768-60999), so that no
# outgoing connection of an earlier run can hold their ports.
cd "$(dirname "$0")/.."
root=$PWD
BUILD_DIR=${BUILD_DIR:-build}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-10}
CONCURRENCY=${CONCURRENCY:-64}
USERS=${USERS:-100000}
REDIS_BASE_PORT=${REDIS_BASE_PORT:-7110}
BIN=$BUILD_DIR/bench
# Another riskd binary to measure (a before/after comparison); default: this build's.
RISKD=${RISKD:-$BUILD_DIR/server/riskd}
redis_ports=("$REDIS_BASE_PORT" "$((REDIS_BASE_PORT + 1))" "$((REDIS_BASE_PORT + 2))")
redis_nodes=$(printf '127.0.0.1:%s,' "${redis_ports[@]}")
redis_nodes=${redis_nodes%,}
work=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  scripts/redis-cluster.sh stop --base-port "$REDIS_BASE_PORT" --dir "$work/redis" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# riskd on Redis: config/riskd-redis.yaml with this run's cluster. Its
# relative paths (plugins, the detectors' data) resolve from its folder, so
# the copy sits in a folder whose ../build and ../data lead to the real ones.
mkdir -p "$work/conf"
ln -s "$root/$BUILD_DIR" "$work/build"
ln -s "$root/data" "$work/data"
sed -e "s|nodes: \[.*\]|nodes: [${redis_nodes//,/, }]|" config/riskd-redis.yaml >"$work/conf/riskd-redis.yaml"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Busy ticks of the whole machine (every core): with riskd's own and the load
# generator's, it shows what the rest (Redis, the kernel's network work) costs.
machine_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
redis_stat() {  # an INFO field of each master, space-separated (section: $2, stats by default)
  local port
  for port in "${redis_ports[@]}"; do
    redis-cli -p "$port" info "${2:-stats}" | sed -n "s/^$1:\([0-9]*\).*/\1/p"
  done | paste -sd' '
}
# The masters' AOF rewrites so far, summed: a rewrite forks the master, and
# on 2 cores its child competes with riskd for the rest of the run.
aof_rewrites() { redis_stat aof_rewrites persistence | awk '{for (i = 1; i <= NF; ++i) s += $i} END {print s + 0}'; }

# start NAME: starts a server and waits until it answers a decision; how
# long that took goes to $work/ready.out.
start() {
  local name=$1 since; since=$(date +%s%N)
  case $name in
    ceiling) "$BIN/riskd_bench_ceiling" 127.0.0.1:31152 2>"$work/$name.log" & ;;
    rocksdb) "$RISKD" --config config/riskd.yaml --listen 127.0.0.1:31151 \
               --data-dir "$work/rocksdb" --log-level warning 2>"$work/$name.log" & ;;
    redis) "$RISKD" --config "$work/conf/riskd-redis.yaml" \
             --listen 127.0.0.1:31153 --data-dir "$work/redis-data" --log-level warning \
             2>"$work/$name.log" & ;;
  esac
  echo $! >"$work/server.pid"
  if ! "$BIN/riskd_bench_load" --target "127.0.0.1:$(port "$name")" --wait-ready 120 \
      --since-unix-ns "$since" >"$work/ready.out" 2>"$work/ready.log"; then
    echo "bench: the $name server did not answer:" >&2
    cat "$work/ready.log" "$work/$name.log" >&2
    exit 1
  fi
}
port() { case $1 in ceiling) echo 31152 ;; rocksdb) echo 31151 ;; redis) echo 31153 ;; esac }
stop_server() { kill "$(cat "$work/server.pid")"; wait "$(cat "$work/server.pid")" 2>/dev/null || true; }

# run NAME LOAD_ARGS... -> the load line plus cpu_us_per_decision (and, on
# Redis, round trips and commands per decision)
run() {
  local name=$1; shift
  local pid; pid=$(cat "$work/server.pid")
  # Warm up, not measured: connections, caches, and the detectors' state.
  # One pass over the mix's 20,000 requests, so that every user the run
  # sends has been seen by every detector once, as in production, where most
  # logins come from users riskd knows (the users' records alone are filled
  # in step 0: detectors that meet a user for the first time write more).
  "$BIN/riskd_bench_load" --target "127.0.0.1:$(port "$name")" --passes 1 --concurrency 16 \
    --users "$USERS" >/dev/null
  local before; before=$(cpu_ticks "$pid")
  local machine_before; machine_before=$(machine_ticks)
  local reads=0 commands=0 rewrites=0
  if [[ $name == redis ]]; then
    reads=$(redis_stat total_reads_processed); commands=$(redis_stat total_commands_processed)
    rewrites=$(aof_rewrites)
  fi
  local line
  line=$("$BIN/riskd_bench_load" --target "127.0.0.1:$(port "$name")" --seconds "$SECONDS_PER_RUN" \
    --users "$USERS" "$@")
  local after; after=$(cpu_ticks "$pid")
  local machine_after; machine_after=$(machine_ticks)
  local ok; ok=$(sed -n 's/.* ok=\([0-9]*\).*/\1/p' <<<"$line")
  local hz; hz=$(getconf CLK_TCK)
  local extra; extra=$(awk -v t=$((after - before)) -v m=$((machine_after - machine_before)) \
    -v hz="$hz" -v n="$ok" 'BEGIN{printf "cpu_us_per_decision=%.1f machine_cpu_us_per_decision=%.1f",
      n ? t / hz * 1e6 / n : 0, n ? m / hz * 1e6 / n : 0}')
  if [[ $name == redis ]]; then
    # Read events over decisions, in all and per master (a master that every
    # decision touches shows that decision's round trips to it).
    extra+=$(awk -v r0="$reads" -v r1="$(redis_stat total_reads_processed)" -v c0="$commands" \
      -v c1="$(redis_stat total_commands_processed)" -v n="$ok" 'BEGIN{
        split(r0, a, " "); split(r1, b, " "); split(c0, c, " "); split(c1, d, " ")
        for (i = 1; i in a; ++i) { reads += b[i] - a[i]; commands += d[i] - c[i]
          by_node = by_node (i > 1 ? "/" : "") sprintf("%.2f", (b[i] - a[i]) / n) }
        printf " redis_round_trips_per_decision=%.2f redis_round_trips_per_decision_by_node=%s", reads / n, by_node
        printf " redis_commands_per_decision=%.2f", commands / n }')
    extra+=" redis_aof_rewrites_in_run=$(($(aof_rewrites) - rewrites))"
  fi
  echo "server=$name $line $extra"
}

field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<" $2"; }

echo "# $(date -u +%FT%TZ) $(nproc) cores; $SECONDS_PER_RUN s per run; $USERS users;" \
  "$RISKD with config/riskd.yaml (rocksdb) and config/riskd-redis.yaml (redis)"

# 0. The users, in both engines.
mkdir -p "$work/rocksdb"
"$BIN/riskd_bench_state_size" --users "$USERS" --engine rocksdb --path "$work/rocksdb/state" \
  --keep true >/dev/null
scripts/redis-cluster.sh start --base-port "$REDIS_BASE_PORT" --dir "$work/redis" >/dev/null
"$BIN/riskd_bench_state_size" --users "$USERS" --engine redis_cluster --nodes "$redis_nodes" \
  --key-prefix riskd: >/dev/null

# 1, 2. Start-up and saturation.
declare -A sat ready rss
for name in ceiling rocksdb redis; do
  start "$name"
  ready[$name]=$(field ready_ms "$(cat "$work/ready.out")")
  sat[$name]=$(run "$name" --concurrency "$CONCURRENCY")
  rss[$name]=$(rss_mb "$(cat "$work/server.pid")")
  stop_server
  echo "${sat[$name]} startup_ms=${ready[$name]} rss_mb=${rss[$name]}"
done

# 3. Fixed offered load: half of each engine's saturation, riskd and ceiling.
declare -A fixed
for engine in rocksdb redis; do
  half=$(($(field rps "${sat[$engine]}" | cut -d. -f1) / 2))
  start ceiling; fixed[ceiling_$engine]=$(run ceiling --rate "$half"); stop_server
  start "$engine"; fixed[$engine]=$(run "$engine" --rate "$half"); stop_server
  echo "${fixed[ceiling_$engine]}"
  echo "${fixed[$engine]}"
done

# Summary: riskd / ceiling.
for engine in rocksdb redis; do
  awk -v e="$engine" -v r="$(field rps "${sat[$engine]}")" -v c="$(field rps "${sat[ceiling]}")" \
    -v rate="$(field offered_rps "${fixed[$engine]}")" \
    -v p50="$(field p50_us "${fixed[$engine]}")" -v cp50="$(field p50_us "${fixed[ceiling_$engine]}")" \
    -v p99="$(field p99_us "${fixed[$engine]}")" -v cp99="$(field p99_us "${fixed[ceiling_$engine]}")" \
    -v p999="$(field p999_us "${fixed[$engine]}")" -v cp999="$(field p999_us "${fixed[ceiling_$engine]}")" \
    'BEGIN{printf "%s: throughput riskd/ceiling = %.2f; at %d rps riskd/ceiling p50 = %.2f, p99 = %.2f, p99.9 = %.2f\n",
           e, r / c, rate, p50 / cp50, p99 / cp99, p999 / cp999}'
done
