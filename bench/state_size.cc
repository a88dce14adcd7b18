// Bytes of state per user: builds a realistic history for N users with the
// real user model, writes it through the real store, and measures what the
// store holds.
//
//   riskd_bench_state_size --users 1000000 --engine rocksdb --path /tmp/x
//   riskd_bench_state_size --users 1000000 --engine redis_cluster --nodes 127.0.0.1:7000
//
// History per user: bench/user_history.h. Prints one line of key=value.
// --keep true leaves the RocksDB database at --path (riskd's <data_dir>/state),
// so that bench/run.sh can start riskd on it.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench/user_history.h"
#include "server/state/redis/redis_cluster_store.h"
#include "server/state/rocksdb/rocksdb_store.h"

namespace riskd {
namespace {

struct Args {
  int users = 100000;
  std::string engine = "rocksdb";
  std::string path = "/tmp/riskd-state-size";
  std::string nodes = "127.0.0.1:7000";
  bool keep = false;       // leave the database for riskd (bench/run.sh)
  std::string key_prefix;  // Redis: riskd's state.redis_cluster.key_prefix
};

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--users")
      a.users = std::stoi(value);
    else if (flag == "--engine")
      a.engine = value;
    else if (flag == "--path")
      a.path = value;
    else if (flag == "--nodes")
      a.nodes = value;
    else if (flag == "--keep")
      a.keep = value == "true";
    else if (flag == "--key-prefix")
      a.key_prefix = value;
  }
  return a;
}

int64_t DirectoryBytes(const std::string& path) {
  int64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

// Writes the users to the cluster; bench/state-size.sh measures the memory.
int WriteToRedis(const Args& args, std::mt19937& random) {
  auto store = RedisClusterStore::Connect(
      {.seeds = absl::StrSplit(args.nodes, ','), .key_prefix = args.key_prefix});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  absl::StatusOr<int64_t> record_bytes = WriteUsers(**store, args.users, random);
  if (!record_bytes.ok()) {
    std::fprintf(stderr, "%s\n", std::string(record_bytes.status().message()).c_str());
    return 1;
  }
  std::printf("engine=redis_cluster users=%d record_bytes_per_user=%.0f\n", args.users,
              static_cast<double>(*record_bytes) / args.users);
  return 0;
}

}  // namespace
}  // namespace riskd

int main(int argc, char** argv) {
  using namespace riskd;
  Args args = Parse(argc, argv);
  std::mt19937 random(7);
  if (args.engine == "redis_cluster") return WriteToRedis(args, random);
  std::filesystem::remove_all(args.path);
  auto store = RocksDbStore::Open({.path = args.path});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  absl::Time begin = absl::Now();
  absl::StatusOr<int64_t> record_bytes = WriteUsers(**store, args.users, random);
  if (!record_bytes.ok()) {
    std::fprintf(stderr, "%s\n", std::string(record_bytes.status().message()).c_str());
    return 1;
  }
  double build_seconds = absl::ToDoubleSeconds(absl::Now() - begin);
  store->reset();  // close: flush memtables to SST files
  auto reopened = RocksDbStore::Open({.path = args.path});
  if (!reopened.ok()) return 1;
  reopened->reset();
  int64_t disk = DirectoryBytes(args.path);
  std::printf(
      "engine=rocksdb users=%d record_bytes_per_user=%.0f disk_bytes_per_user=%.0f "
      "build_seconds=%.1f\n",
      args.users, static_cast<double>(*record_bytes) / args.users,
      static_cast<double>(disk) / args.users, build_seconds);
  if (!args.keep) std::filesystem::remove_all(args.path);
  return 0;
}
