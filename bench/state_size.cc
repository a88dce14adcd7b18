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
//
//   riskd_bench_state_size --engine rocksdb --path DIR --measure-only true
//
// measures a database riskd has written (bench/state-size.sh, after a sweep
// of logins): opens it with the options riskd last opened it with, flushes
// and fully compacts it, so that overwritten and deleted versions are gone
// and two measures compare, and prints its size and its keys by family.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bench/user_history.h"
#include "rocksdb/compaction_filter.h"
#include "rocksdb/convenience.h"
#include "rocksdb/db.h"
#include "rocksdb/utilities/options_util.h"
#include "server/state/redis/redis_cluster_store.h"
#include "server/state/rocksdb/rocksdb_store.h"
#include "server/state/rocksdb/value_envelope.h"

namespace riskd {
namespace {

struct Args {
  int users = 100000;
  std::string engine = "rocksdb";
  std::string path = "/tmp/riskd-state-size";
  std::string nodes = "127.0.0.1:7000";
  bool keep = false;          // leave the database for riskd (bench/run.sh)
  bool measure_only = false;  // measure the database at --path, write nothing
  std::string key_prefix;     // Redis: riskd's state.redis_cluster.key_prefix
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
    else if (flag == "--measure-only")
      a.measure_only = value == "true";
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

// The family a key is counted in: riskd's own prefix ("u" for user records,
// "r" for retry answers, "f" for the funnel), or for a detector's key
// "<detector>/<kind>", the kind being the key's first part after its hash tag
// ("p:peer-profile:{user1}:h" -> "peer-profile/h") or without one
// ("p:peer-profile:g:..." -> "peer-profile/g"). bench/state-size.sh names
// Redis keys the same way.
std::string FamilyName(absl::string_view key) {
  if (!absl::ConsumePrefix(&key, "p:")) return std::string(key.substr(0, key.find(':')));
  std::string detector(key.substr(0, key.find(':')));
  key.remove_prefix(std::min(key.size(), detector.size() + 1));
  if (absl::ConsumePrefix(&key, "{")) {
    key.remove_prefix(std::min(key.size(), key.find('}') + 1));
    absl::ConsumePrefix(&key, ":");
  }
  return absl::StrCat(detector, "/", key.substr(0, key.find(':')));
}

// riskd's compaction filter (rocksdb_store.cc): expired values are dropped,
// as they are when riskd compacts.
class ExpiryFilter final : public rocksdb::CompactionFilter {
 public:
  bool Filter(int, const rocksdb::Slice&, const rocksdb::Slice& value, std::string*,
              bool*) const override {
    const int64_t now_ms = absl::ToUnixMillis(absl::Now());
    return !UnwrapValue(absl::string_view(value.data(), value.size()), now_ms).has_value();
  }
  const char* Name() const override { return "riskd.ExpiryFilter"; }
};

// The files that hold state: RocksDB's own log (LOG, LOG.old.*) is left out,
// since each riskd run adds one and it holds no data.
int64_t StateFileBytes(const std::string& path) {
  int64_t total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(path)) {
    if (entry.is_regular_file() && !entry.path().filename().string().starts_with("LOG")) {
      total += entry.file_size();
    }
  }
  return total;
}

int MeasureOnly(const Args& args) {
  // The options riskd last opened the database with (its OPTIONS file), so
  // that compaction writes what riskd's would: the same compression, table
  // format and filters.
  rocksdb::ConfigOptions config;
  config.ignore_unsupported_options = true;  // the compaction filter: set below
  rocksdb::DBOptions db_options;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  rocksdb::Status s = rocksdb::LoadLatestOptions(config, args.path, &db_options, &families);
  if (!s.ok()) {
    std::fprintf(stderr, "cannot read the options of %s: %s\n", args.path.c_str(),
                 s.ToString().c_str());
    return 1;
  }
  ExpiryFilter expiry;
  for (rocksdb::ColumnFamilyDescriptor& family : families) {
    family.options.compaction_filter = &expiry;
  }
  db_options.create_if_missing = false;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  s = rocksdb::DB::Open(db_options, args.path, families, &handles, &raw);
  if (!s.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", args.path.c_str(), s.ToString().c_str());
    return 1;
  }
  std::unique_ptr<rocksdb::DB> db(raw);
  std::map<std::string, std::pair<int64_t, int64_t>> by_family;  // keys, bytes
  int64_t keys = 0;
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* handle : handles) {
    if (!(s = db->Flush(rocksdb::FlushOptions(), handle)).ok() ||
        !(s = db->CompactRange(compact, handle, nullptr, nullptr)).ok()) {
      std::fprintf(stderr, "cannot compact %s: %s\n", args.path.c_str(), s.ToString().c_str());
      return 1;
    }
    // Bytes as stored (key and value with its expiry envelope), before
    // compression: what each family holds.
    std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), handle));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      auto& [count, bytes] =
          by_family[FamilyName(absl::string_view(it->key().data(), it->key().size()))];
      ++count;
      bytes += it->key().size() + it->value().size();
      ++keys;
    }
    if (!it->status().ok()) {
      std::fprintf(stderr, "cannot scan %s: %s\n", args.path.c_str(),
                   it->status().ToString().c_str());
      return 1;
    }
  }
  for (rocksdb::ColumnFamilyHandle* handle : handles) db->DestroyColumnFamilyHandle(handle);
  if (!(s = db->Close()).ok()) {
    std::fprintf(stderr, "cannot close %s: %s\n", args.path.c_str(), s.ToString().c_str());
    return 1;
  }
  db.reset();
  std::string families_text;
  for (const auto& [family, totals] : by_family) {
    absl::StrAppend(&families_text, families_text.empty() ? "" : ",", family, ":", totals.first,
                    ":", totals.second);
  }
  // families=<family>:<keys>:<bytes before compression>,...
  std::printf("engine=rocksdb disk_bytes=%ld keys=%ld families=%s\n",
              static_cast<long>(StateFileBytes(args.path)), static_cast<long>(keys),
              families_text.c_str());
  return 0;
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
  if (args.measure_only) return MeasureOnly(args);
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
