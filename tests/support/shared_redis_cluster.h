// One local Redis Cluster per test process, started on first use on free
// loopback ports and stopped when the tests end.
#ifndef RISKD_TESTS_SUPPORT_SHARED_REDIS_CLUSTER_H_
#define RISKD_TESTS_SUPPORT_SHARED_REDIS_CLUSTER_H_

#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "server/state/redis/local_redis_cluster.h"

namespace riskd::testing {

using ::riskd::redis::testing::LocalRedisCluster;

// Fails the test (returns nullptr) when the cluster cannot start.
LocalRedisCluster* SharedRedisCluster();

// A `state:` config section for riskd on the shared cluster, with a key
// prefix unique to the calling test so that tests never see each other's users.
std::string RedisStateConfig(const std::string& on_unavailable = "open");

// For tests run on each state engine: TEST_P with the engine's name as the
// parameter, instantiated as
//   INSTANTIATE_TEST_SUITE_P(Engines, MyTest, StateEngines(), StateEngineName);
inline auto StateEngines() {
  return ::testing::Values(std::string("rocksdb"), std::string("redis_cluster"));
}
inline std::string StateEngineName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

// The `state:` config section for `engine`: "" (the embedded default) for
// "rocksdb", the shared cluster's for "redis_cluster"; nullopt, with the
// test failed, when the cluster cannot start.
std::optional<std::string> StateConfigFor(const std::string& engine);

}  // namespace riskd::testing

#endif  // RISKD_TESTS_SUPPORT_SHARED_REDIS_CLUSTER_H_
