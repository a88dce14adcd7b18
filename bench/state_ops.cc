// The embedded engine alone, under a decision's pattern of state access: read
// a user's record (one MultiGet), change it, write it back guarded by what was
// read (one Commit), for random users of a pre-filled database. Measures the
// process's CPU time per operation, background flushes and compactions
// included, to tune RocksDbStore's options without gRPC in the way (and under
// `valgrind --tool=callgrind`, its instructions).
//
//   riskd_bench_state_ops --users 100000 --ops 200000 --threads 2 --path /tmp/x
//       [--write-buffer-mb N] [--value-cache-mb N] [--block-cache-mb N]
//       [--fill false]   (use the users already at --path, and leave them)
#include <sys/resource.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "bench/user_history.h"
#include "server/state/rocksdb/rocksdb_store.h"
#include "server/state/state_keys.h"

namespace riskd {
namespace {

struct Args {
  int users = 100000;
  int ops = 200000;
  int threads = 2;
  std::string path = "/tmp/riskd-state-ops";
  bool fill = true;  // false: use the users already at --path, and leave them
  RocksDbOptions store;
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--users") {
      a.users = std::stoi(value);
    } else if (flag == "--ops") {
      a.ops = std::stoi(value);
    } else if (flag == "--threads") {
      a.threads = std::stoi(value);
    } else if (flag == "--path") {
      a.path = value;
    } else if (flag == "--fill") {
      a.fill = value == "true";
    } else if (flag == "--write-buffer-mb") {
      a.store.write_buffer_bytes = std::stoul(value) << 20;
    } else if (flag == "--value-cache-mb") {
      a.store.value_cache_bytes = std::stoul(value) << 20;
    } else if (flag == "--block-cache-mb") {
      a.store.block_cache_bytes = std::stoul(value) << 20;
    } else {
      std::fprintf(stderr, "unknown flag %s\n", flag.c_str());
      std::exit(2);
    }
  }
  return a;
}

double CpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// One decision's read-modify-write of a user's record, retried on a lost guard.
bool Touch(StateStore& store, int user) {
  const std::string key = UserKey(UserId(user));
  for (int attempt = 0; attempt < 32; ++attempt) {
    auto values = store.MultiGet({key});
    if (!values.ok()) return false;
    riskd::state::v1::UserRecord record;
    if ((*values)[0] && !record.ParseFromString(*(*values)[0])) return false;
    record.set_logins_succeeded(record.logins_succeeded() + 1);
    record.set_last_seen_ms(absl::ToUnixMillis(absl::Now()));
    StateStore::Transaction t{.guard_key = key, .guard_value = (*values)[0]};
    t.mutations.push_back({key, record.SerializeAsString()});
    std::vector<StateStore::Transaction> batch;
    batch.push_back(std::move(t));
    auto applied = store.Commit(std::move(batch));
    if (!applied.ok()) return false;
    if ((*applied)[0]) return true;
  }
  return false;
}

}  // namespace
}  // namespace riskd

int main(int argc, char** argv) {
  using namespace riskd;
  Args args = Parse(argc, argv);
  args.store.path = args.path;
  if (args.fill) {
    std::filesystem::remove_all(args.path);
    std::mt19937 random(7);
    auto store = RocksDbStore::Open(args.store);
    if (!store.ok() || !WriteUsers(**store, args.users, random).ok()) return 1;
  }  // closed: the users are in files, as after a restart
  auto store = RocksDbStore::Open(args.store);
  if (!store.ok()) return 1;

  const double cpu_before = CpuSeconds();
  const absl::Time begin = absl::Now();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < args.threads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 pick(t);
      for (int i = t; i < args.ops; i += args.threads) {
        if (!Touch(**store, static_cast<int>(pick() % args.users))) ++failures;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double wall = absl::ToDoubleSeconds(absl::Now() - begin);
  const double cpu = CpuSeconds() - cpu_before;
  std::printf("users=%d ops=%d threads=%d failures=%d cpu_us_per_op=%.2f wall_us_per_op=%.2f\n",
              args.users, args.ops, args.threads, failures.load(), cpu * 1e6 / args.ops,
              wall * 1e6 / args.ops);
  store->reset();
  if (args.fill) std::filesystem::remove_all(args.path);
  return failures.load() == 0 ? 0 : 1;
}
