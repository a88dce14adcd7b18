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
# The record above is riskd's own only. The detectors keep per-user state too
# (peer-profile's and geo-velocity's histories, bot-behaviour's per-IP
# counters), so in both engines at USERS users riskd then gets one succeeded
# login for each of SWEEP_USERS (100,000) users, from the home IP and browser
# the load generator's mix gives each (--sweep-users), and stops cleanly; what
# that adds, over the swept users, is on the engine's line:
#   detector_bytes_per_user  the growth: RocksDB's directory flushed and fully
#                            compacted before and after (riskd_bench_state_size
#                            --measure-only), Redis's used_memory. It includes
#                            the record's own growth (the login's device and IP)
#   total_bytes_per_user     the record's bytes per user plus that
#   keys_per_user            keys added
#   by_family                <family>:<keys>:<bytes> added per user, largest
#                            first. A family is riskd's prefix (u: the record)
#                            or <detector>/<kind of key>; bytes are RocksDB's
#                            keys and values before compression, or Redis's
#                            MEMORY USAGE (sampled; the record's measured on
#                            100 swept users before and after), which leaves
#                            out Redis's tables: buckets, expiry entries, slot
#                            links; families under 0.005 keys and 1 byte per
#                            user (the funnel's counters) are left out
# No request ids are sent, as in the mix, so riskd keeps no retry answers (r:).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
BUILD_DIR=${BUILD_DIR:-build}
USERS=${USERS:-1000000}
SMALL_USERS=${SMALL_USERS:-100000}
SWEEP_USERS=${SWEEP_USERS:-100000}
MEMORY_SECONDS=${MEMORY_SECONDS:-30}
BIN=$BUILD_DIR/bench
((SWEEP_USERS <= USERS)) || { echo "SWEEP_USERS must be at most USERS" >&2; exit 2; }
# The ports are fixed: a second run (another make bench) would send its
# traffic to this run's riskd and write to its cluster, and
# scripts/redis-cluster.sh start reuses whatever answers on 7100-7102.
exec 9>/tmp/riskd-bench-state-size.lock
flock -n 9 || { echo "state-size: another bench/state-size.sh is running" >&2; exit 1; }
for port in 31154 7100 7101 7102; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "state-size: port $port is in use; it must be free for this run" >&2
    exit 1
  fi
done
work=$(mktemp -d)
cleanup() {
  kill $(jobs -p) 2>/dev/null || true
  scripts/redis-cluster.sh stop --base-port 7100 --dir "$work/redis" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
field() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"; }  # field NAME LINE: NAME's value
per_user() { awk -v n="$1" -v d="$2" -v f="${3:-%.0f}" 'BEGIN { printf f, n / d }'; }

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

# sweep CONFIG DATA_DIR: riskd on that state gets one succeeded login for each
# of users 0..SWEEP_USERS-1, then SIGTERM, at which it writes the counters it
# sums in memory (the detectors' shared counters, the funnel's). A failed
# call or an unclean stop fails the run: the growth must be all of the sweep.
sweep() {
  local config=$1 data_dir=$2
  "$BUILD_DIR/server/riskd" --config "$config" --listen 127.0.0.1:31154 --data-dir "$data_dir" \
    --log-level warning 2>"$work/sweep.log" &
  local pid=$!
  # The ready probe is user 0's login, which the sweep sends again.
  "$BIN/riskd_bench_load" --target 127.0.0.1:31154 --wait-ready 300 --sweep-users 1 >/dev/null ||
    { cat "$work/sweep.log" >&2; exit 1; }
  local result status=0
  result=$("$BIN/riskd_bench_load" --target 127.0.0.1:31154 --concurrency 64 \
    --sweep-users "$SWEEP_USERS")
  kill -TERM $pid
  wait $pid || status=$?
  if [[ $(field ok "$result") != "$SWEEP_USERS" || $(field errors "$result") != 0 ||
        $(field state_errors "$result") != 0 || $status != 0 ]]; then
    echo "state-size: the sweep was not recorded in full: $result (riskd exited $status)" >&2
    cat "$work/sweep.log" >&2
    exit 1
  fi
}

# family_growth BEFORE AFTER: each "<family>:<keys>:<bytes>,..." of one
# measure -> what was added per swept user, in the same form, largest first.
family_growth() {
  awk -v before="$1" -v after="$2" -v users="$SWEEP_USERS" 'BEGIN {
    n = split(before, b, ","); for (i = 1; i <= n; i++) { split(b[i], f, ":"); k[f[1]] -= f[2]; s[f[1]] -= f[3] }
    n = split(after, a, ","); for (i = 1; i <= n; i++) { split(a[i], f, ":"); k[f[1]] += f[2]; s[f[1]] += f[3] }
    for (x in k) {
      keys = sprintf("%.2f", k[x] / users); bytes = sprintf("%.0f", s[x] / users)
      if (keys != "0.00" || bytes != "0") printf "%d %s:%s:%s\n", s[x], x, keys, bytes
    }
  }' | sort -rn | cut -d' ' -f2 | paste -sd,
}

# growth BEFORE AFTER: the fields both engines' lines get from their measures
# ("bytes=... keys=... families=..."), the record's bytes per user in RECORD.
growth() {
  local before=$1 after=$2 record=$3 detector
  detector=$(per_user $(($(field bytes "$after") - $(field bytes "$before"))) "$SWEEP_USERS")
  echo "sweep_users=$SWEEP_USERS detector_bytes_per_user=$detector" \
    "total_bytes_per_user=$((record + detector))" \
    "keys_per_user=$(per_user $(($(field keys "$after") - $(field keys "$before"))) "$SWEEP_USERS" %.2f)" \
    "by_family=$(family_growth "$(field families "$before")" "$(field families "$after")")"
}

# The database at DIR flushed and fully compacted, so that two measures
# compare: "bytes=... keys=... families=..."
measure_rocksdb() {
  local line
  line=$("$BIN/riskd_bench_state_size" --engine rocksdb --path "$1" --measure-only true)
  echo "bytes=$(field disk_bytes "$line") keys=$(field keys "$line") families=$(field families "$line")"
}

for users in "$SMALL_USERS" "$USERS"; do
  mkdir -p "$work/rocksdb-$users"
  line=$("$BIN/riskd_bench_state_size" --users "$users" --engine rocksdb \
    --path "$work/rocksdb-$users/state" --keep true)
  if ((users == USERS)); then
    before=$(measure_rocksdb "$work/rocksdb-$users/state")
    sweep config/riskd.yaml "$work/rocksdb-$users"
    after=$(measure_rocksdb "$work/rocksdb-$users/state")
    # The record's bytes measured as the growth is: compacted.
    record=$(per_user "$(field bytes "$before")" "$users")
    line="$line compacted_bytes_per_user=$record $(growth "$before" "$after" "$record")"
  fi
  echo "$line riskd_$(serve config/riskd.yaml "$work/rocksdb-$users" "$users" | sed 's/ / riskd_/g')"
  rm -rf "$work/rocksdb-$users"
done

scripts/redis-cluster.sh start --base-port 7100 --dir "$work/redis" >/dev/null
redis_ports=(7100 7101 7102)
# used_memory over the masters, once it is steady: Redis grows a key table by
# rehashing it a step at a time, and both tables count until it is done.
used() {
  local total previous=-1 tries=0 port
  while :; do
    total=0
    for port in "${redis_ports[@]}"; do
      total=$((total + $(redis-cli -p $port info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')))
    done
    ((total == previous || ++tries > 30)) && break
    previous=$total
    sleep 1
  done
  echo $total
}
before=$(used)
line=$("$BIN/riskd_bench_state_size" --users "$USERS" --engine redis_cluster \
  --nodes 127.0.0.1:7100,127.0.0.1:7101,127.0.0.1:7102 --key-prefix riskd:)
after=$(used)
record=$(( (after - before) / USERS ))
line="$line redis_memory_bytes_per_user=$record"

# What the sweep adds on Redis. Keys: DBSIZE, and by family every key listed
# (SCAN) and named as riskd_bench_state_size names RocksDB's (FamilyName).
family_awk='function family(k,  d) {
  sub(/^riskd:/, "", k)
  if (substr(k, 1, 2) != "p:") { sub(/:.*/, "", k); return k }
  k = substr(k, 3); d = k; sub(/:.*/, "", d); k = substr(k, length(d) + 2)
  if (substr(k, 1, 1) == "{") { k = substr(k, index(k, "}") + 1); sub(/^:/, "", k) }
  sub(/:.*/, "", k); return d "/" k
}'
dbsize() {
  local total=0 port
  for port in "${redis_ports[@]}"; do total=$((total + $(redis-cli -p $port dbsize))); done
  echo $total
}
list_keys() {  # list_keys FILE: "<port> <key>" a line
  local port
  for port in "${redis_ports[@]}"; do redis-cli -p $port --scan | sed "s/^/$port /"; done >"$1"
}
# record_usage: the mean MEMORY USAGE of 100 swept users' records, the same
# users each time (all records' mean would bury 10% of them changing).
record_usage() {
  local step=$((SWEEP_USERS >= 200 ? SWEEP_USERS / 100 : 1))
  seq 0 $step $((SWEEP_USERS - 1)) | head -100 | sed 's/.*/MEMORY USAGE riskd:u:{user&}/' |
    redis-cli -c -p 7100 | grep -v '^->' | awk '{ s += $1; n++ } END { printf "%.0f", s / n }'
}
# family_usage KEYS: "<family> <mean MEMORY USAGE>" over up to 100 keys of
# each family on each master.
family_usage() {
  awk "$family_awk"' { f = family($2); if (seen[$1, f]++ < 100) print $1, f, $2 }' "$1" \
    >"$work/sample"
  local port
  for port in "${redis_ports[@]}"; do
    awk -v p=$port '$1 == p { print "MEMORY USAGE", $3 }' "$work/sample" | redis-cli -p $port |
      paste <(awk -v p=$port '$1 == p { print $2 }' "$work/sample") -
  done | awk '{ s[$1] += $2; n[$1]++ } END { for (f in s) print f, s[f] / n[f] }'
}
# families KEYS USAGE RECORD -> "<family>:<keys>:<bytes>,...": bytes are keys
# times the family's mean usage; the records', the swept users' times RECORD
# (the others are not touched, and only differences are used).
families() {
  awk -v users="$SWEEP_USERS" -v record="$3" "$family_awk"'
    FNR == NR { usage[$1] = $2; next }
    { n[family($2)]++ }
    END { for (f in n) printf "%s:%d:%.0f\n", f, n[f], f == "u" ? users * record : n[f] * usage[f] }' \
    "$2" "$1" | paste -sd,
}

list_keys "$work/keys-before"
records_before=$(record_usage)
keys_before=$(dbsize)
used_before=$(used)
# riskd on this cluster: config/riskd-redis.yaml with its nodes, in a folder
# whose ../build and ../data lead to the real ones.
mkdir -p "$work/conf"
ln -s "$root/$BUILD_DIR" "$work/build"
ln -s "$root/data" "$work/data"
sed -e "s|nodes: \[.*\]|nodes: [127.0.0.1:7100, 127.0.0.1:7101, 127.0.0.1:7102]|" \
  config/riskd-redis.yaml >"$work/conf/riskd-redis.yaml"
sweep "$work/conf/riskd-redis.yaml" "$work/redis-data"
used_after=$(used)
keys_after=$(dbsize)
records_after=$(record_usage)
list_keys "$work/keys-after"
# Each family's mean usage after the sweep prices both measures' keys.
family_usage "$work/keys-after" >"$work/usage"
redis_before="bytes=$used_before keys=$keys_before"
redis_before+=" families=$(families "$work/keys-before" "$work/usage" "$records_before")"
redis_after="bytes=$used_after keys=$keys_after"
redis_after+=" families=$(families "$work/keys-after" "$work/usage" "$records_after")"
echo "$line $(growth "$redis_before" "$redis_after" "$record")" \
  "riskd_$(serve "$work/conf/riskd-redis.yaml" "$work/redis-data" "$USERS" | sed 's/ / riskd_/g')"
