// Bytes of state per user: builds a realistic history for N users with the
// real user model, writes it through the real store, and measures what the
// store holds.
//
//   riskd_bench_state_size --users 1000000 --engine rocksdb --path /tmp/x
//   riskd_bench_state_size --users 1000000 --engine redis_cluster --nodes 127.0.0.1:7000
//
// History per user: 20 to 60 events over 90 days (logins mostly succeeded,
// some failed, a password reset now and then) from 1 to 3 devices and 2 to 6
// IPs, a registration date and an email. Prints one line of key=value.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "server/decision/decision.h"
#include "server/state/redis/redis_cluster_store.h"
#include "server/state/rocksdb/rocksdb_store.h"
#include "server/state/state_keys.h"
#include "server/state/user_model.h"

namespace riskd {
namespace {

struct Args {
  int users = 100000;
  std::string engine = "rocksdb";
  std::string path = "/tmp/riskd-state-size";
  std::string nodes = "127.0.0.1:7000";
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
  }
  return a;
}

// One user's history through the real model.
riskd::state::v1::UserRecord History(int user, std::mt19937& random, const UserModelOptions& o) {
  const char* kAgents[] = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/124.0.0.0 Safari/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/17.4 Safari/605.1.15"};
  riskd::state::v1::UserRecord record;
  const int events = 20 + random() % 41;
  const int devices = 1 + random() % 3, ips = 2 + random() % 5;
  const absl::Time start = absl::Now() - absl::Hours(24 * 90);
  Decision decision;
  for (int e = 0; e < events; ++e) {
    NormalizedEvent event;
    event.user_id = absl::StrCat("user-", user);
    event.email = absl::StrCat("user-", user, "@example.com");
    event.email_domain = "example.com";
    event.request_id = absl::StrCat("req-", user, "-", e);
    event.request_id_generated = random() % 2;  // half the apps send their own ids
    int kind = random() % 100;
    event.type = kind < 85   ? riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED
                 : kind < 98 ? riskd::v1::EVENT_TYPE_LOGIN_FAILED
                             : riskd::v1::EVENT_TYPE_PASSWORD_RESET_SUCCEEDED;
    event.occurred_at = start + absl::Hours(24 * 90) * e / events;
    int device = random() % devices;
    event.device_id = absl::StrCat("dev_", user * 7 + device);
    event.user_agent = kAgents[device];
    event.ip = *IpAddress::Parse(absl::StrCat("81.", user % 250, ".", random() % ips, ".", 10));
    decision.risk_score = (random() % 100) / 400.0;
    std::vector<riskd::CaseStep> steps;
    ApplyEvent(o, riskd::FunnelOptions{}, event, decision, true, record, steps);
  }
  return record;
}

int64_t DirectoryBytes(const std::string& path) {
  int64_t total = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
    if (entry.is_regular_file()) total += entry.file_size();
  }
  return total;
}

// Writes the users to the cluster; bench/state-size.sh measures the memory.
int WriteToRedis(const Args& args, const UserModelOptions& options, std::mt19937& random) {
  auto store = RedisClusterStore::Connect({.seeds = absl::StrSplit(args.nodes, ',')});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  int64_t record_bytes = 0;
  std::vector<StateStore::Transaction> batch;
  for (int user = 0; user < args.users; ++user) {
    std::string bytes = History(user, random, options).SerializeAsString();
    record_bytes += bytes.size();
    batch.push_back({.mutations = {{UserKey(absl::StrCat("user-", user)), std::move(bytes)}}});
    if (batch.size() == 1000 || user + 1 == args.users) {
      auto applied = (*store)->Commit(std::move(batch));
      if (!applied.ok()) {
        std::fprintf(stderr, "%s\n", std::string(applied.status().message()).c_str());
        return 1;
      }
      batch.clear();
    }
  }
  std::printf("engine=redis_cluster users=%d record_bytes_per_user=%.0f\n", args.users,
              static_cast<double>(record_bytes) / args.users);
  return 0;
}

}  // namespace
}  // namespace riskd

int main(int argc, char** argv) {
  using namespace riskd;
  Args args = Parse(argc, argv);
  UserModelOptions options;
  std::mt19937 random(7);
  if (args.engine == "redis_cluster") return WriteToRedis(args, options, random);
  std::filesystem::remove_all(args.path);
  auto store = RocksDbStore::Open({.path = args.path});
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", std::string(store.status().message()).c_str());
    return 1;
  }
  int64_t record_bytes = 0;
  absl::Time begin = absl::Now();
  std::vector<StateStore::Transaction> batch;
  for (int user = 0; user < args.users; ++user) {
    riskd::state::v1::UserRecord record = History(user, random, options);
    std::string bytes = record.SerializeAsString();
    record_bytes += bytes.size();
    batch.push_back({.mutations = {{UserKey(record.id()), std::move(bytes)}}});
    if (batch.size() == 1000 || user + 1 == args.users) {
      auto applied = (*store)->Commit(std::move(batch));
      if (!applied.ok()) return 1;
      batch.clear();
    }
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
      args.users, static_cast<double>(record_bytes) / args.users,
      static_cast<double>(disk) / args.users, build_seconds);
  std::filesystem::remove_all(args.path);
  return 0;
}
