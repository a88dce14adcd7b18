#include "tests/support/shared_redis_cluster.h"

#include <memory>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace riskd::testing {
namespace {

std::unique_ptr<LocalRedisCluster>& Cluster() {
  static auto* cluster = new std::unique_ptr<LocalRedisCluster>();
  return *cluster;
}

class StopClusterAtExit : public ::testing::Environment {
 public:
  void TearDown() override { Cluster().reset(); }
};
[[maybe_unused]] ::testing::Environment* const kStopAtExit =
    ::testing::AddGlobalTestEnvironment(new StopClusterAtExit());

}  // namespace

LocalRedisCluster* SharedRedisCluster() {
  if (!Cluster()) {
    absl::StatusOr<std::unique_ptr<LocalRedisCluster>> started = LocalRedisCluster::Start(3);
    if (!started.ok()) {
      ADD_FAILURE() << "cannot start a local Redis Cluster: " << started.status();
      return nullptr;
    }
    Cluster() = *std::move(started);
  }
  return Cluster().get();
}

std::string RedisStateConfig(const std::string& on_unavailable) {
  LocalRedisCluster* cluster = SharedRedisCluster();
  if (cluster == nullptr) return "";
  std::random_device random;
  return absl::StrCat("state:\n  engine: redis_cluster\n  on_unavailable: ", on_unavailable,
                      "\n  redis_cluster:\n    nodes: [", absl::StrJoin(cluster->Addresses(), ", "),
                      "]\n    key_prefix: \"test-", random(), ":\"\n");
}

std::optional<std::string> StateConfigFor(const std::string& engine) {
  if (engine == "rocksdb") return "";
  if (engine != "redis_cluster") {
    ADD_FAILURE() << "unknown state engine \"" << engine << "\"";
    return std::nullopt;
  }
  std::string section = RedisStateConfig();  // "" once the cluster failed to start
  if (section.empty()) return std::nullopt;
  return section;
}

}  // namespace riskd::testing
